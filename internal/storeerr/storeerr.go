// Package storeerr tells what kind of failure a database error is, the same
// way for SQLite (laptops and the hub) and PostgreSQL (the hub), so people
// are told what happened in words rather than in the driver's.
package storeerr

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
)

// DiskFullMessage is what a person reads when a write found no room. The
// write was one transaction, so it was rolled back whole.
const DiskFullMessage = "the disk is full; nothing was lost (the change was not written): free some space and try again"

// DiskFull reports whether err says the disk (or the database's allowed
// size) is full: SQLITE_FULL, ENOSPC, or PostgreSQL's disk_full (53100).
func DiskFull(err error) bool {
	if err == nil {
		return false
	}
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrFull {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "53100" {
		return true
	}
	return errors.Is(err, syscall.ENOSPC)
}

// Unavailable reports whether err says the database cannot be reached just
// now and a later try may work: PostgreSQL shutting down, restarting or
// refusing connections (SQLSTATE class 08, 57P01-57P03, 53300), a
// connection refused, reset or cut, a connection the pool found bad, or a
// SQLite file another writer held past the busy timeout.
// The hub answers these 503 with Retry-After, never 500.
func Unavailable(err error) bool {
	if err == nil || DiskFull(err) {
		return false
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked // another writer held on past the busy timeout
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03" || pe.Code == "53300"
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	var oe *net.OpError
	switch {
	case errors.As(err, &ce), errors.As(err, &oe), errors.As(err, &ne):
		return true
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, sql.ErrConnDone):
		return true
	}
	// pgx's words for a connection that went away mid-query.
	msg := err.Error()
	return strings.Contains(msg, "conn closed") || strings.Contains(msg, "unexpected EOF") ||
		strings.Contains(msg, "failed to connect") || strings.Contains(msg, "connection reset")
}

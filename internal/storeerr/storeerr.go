// Package storeerr tells what kind of failure a database error is, the same
// way for SQLite (laptops and the hub) and PostgreSQL (the hub), so people
// are told what happened in words rather than in the driver's.
package storeerr

import (
	"errors"
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

package storeerr

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib"
)

func TestUnavailableFromRealErrors(t *testing.T) {
	// PostgreSQL that is not there: a port on loopback nobody listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	db, err := sql.Open("pgx", "postgres://x@"+addr+"/x?sslmode=disable&connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = db.PingContext(ctx)
	if err == nil || !Unavailable(fmt.Errorf("push: %w", err)) {
		t.Errorf("PostgreSQL refusing connections: %v, want Unavailable", err)
	}
	// What a restarting server says to a connection it ends.
	for _, code := range []string{"57P01", "57P03", "08006"} {
		if !Unavailable(&pgconn.PgError{Code: code}) {
			t.Errorf("SQLSTATE %s: want Unavailable", code)
		}
	}
	// A SQLite file another writer holds past the busy timeout.
	path := filepath.Join(t.TempDir(), "busy.db")
	a, _ := sql.Open("sqlite3", "file:"+path+"?_txlock=immediate")
	b, _ := sql.Open("sqlite3", "file:"+path+"?_txlock=immediate&_busy_timeout=10")
	defer a.Close()
	defer b.Close()
	if _, err := a.Exec(`CREATE TABLE t (x)`); err != nil {
		t.Fatal(err)
	}
	tx, err := a.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := b.Exec(`INSERT INTO t VALUES (1)`); err == nil || !Unavailable(err) {
		t.Errorf("SQLite held by another writer: %v, want Unavailable", err)
	}
	// A query's own error, a full disk and nil are not.
	sq, err := sql.Open("sqlite3", "file:"+filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer sq.Close()
	_, qerr := sq.Exec(`SELECT * FROM no_such_table`)
	if qerr == nil || Unavailable(qerr) || Unavailable(&pgconn.PgError{Code: "23505"}) || Unavailable(&pgconn.PgError{Code: "53100"}) ||
		Unavailable(nil) || Unavailable(errors.New("constraint failed")) {
		t.Errorf("an ordinary error counted as the store being away: %v", qerr)
	}
}

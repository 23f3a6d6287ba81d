package site

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"cutover/internal/migrate"
	"cutover/internal/platform"
	"cutover/site/oplog"

	_ "github.com/mattn/go-sqlite3" // the SQLite driver
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Store is the laptop's local database. It has one writer connection, so
// writes never fight over the lock, and a small pool of readers that WAL lets
// run beside it.
type Store struct {
	path string
	w    *sql.DB // nil when the database is open for reading only
	r    *sql.DB
	// readOnly says why the database cannot be written ("" when it can).
	readOnly string
	// Now gives the time recorded on changes; tests may replace it.
	Now func() time.Time
}

// ErrNewerSchema is returned when the database was written by a newer
// cutover than this one. The file is left untouched.
var ErrNewerSchema = errors.New("database schema is newer than this cutover")

type migration = migrate.Migration

func migrations() ([]migration, error) { return migrate.Load(migrationFS, "migrations") }

// SchemaVersion is the newest schema this binary knows.
func SchemaVersion() int {
	ms, err := migrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].Version
}

func dsn(path string, params string) string {
	u := url.URL{Scheme: "file", Opaque: url.PathEscape(path)}
	return u.String() + "?" + params
}

// Open opens (creating it and its folder when needed) the database at path
// and brings its schema up to date. A database written by a newer schema is
// refused before anything is written to it; so is a damaged one
// (ErrDamaged, with the steps to recover). A file this process may not
// write (its permissions, a read-only folder or disk) is opened for reading
// only: ReadOnly says why, and every Write is refused with that reason
// (ErrReadOnly).
func Open(path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("no database path")
	}
	ms, err := migrations()
	if err != nil {
		return nil, err
	}
	newest := ms[len(ms)-1].Version
	if _, err := os.Stat(path); err == nil {
		why := readOnlyReason(path)
		probe, err := checkFile(path, newest, why != "")
		if err != nil {
			return nil, err
		}
		if why != "" {
			return openReadOnly(path, probe, why, ms)
		}
	} else if errors.Is(err, fs.ErrNotExist) {
		if err := platform.MkdirPrivate(filepath.Dir(path)); err != nil {
			return nil, fmt.Errorf("create folder for database: %w", err)
		}
		// A new database is private to its owner: it holds names, numbers
		// and the layout of police buildings. (SQLite would use 0644; on
		// Windows, whatever the folder gives.)
		f, err := platform.CreatePrivate(path)
		if err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("create database %s: %w", path, err)
		}
		if f != nil {
			f.Close()
		}
	} else {
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	common := "_foreign_keys=on&_busy_timeout=10000&_synchronous=FULL&_journal_mode=WAL"
	w, err := sql.Open("sqlite3", dsn(path, common+"&_txlock=immediate"))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	s := &Store{path: path, w: w, Now: time.Now}
	if err := s.migrate(ms); err != nil {
		w.Close()
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	r, err := sql.Open("sqlite3", dsn(path, common+"&_query_only=true"))
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(4)
	s.r = r
	return s, nil
}

func (s *Store) migrate(ms []migration) error {
	ctx := context.Background()
	var cur int
	if err := s.w.QueryRowContext(ctx, "PRAGMA user_version").Scan(&cur); err != nil {
		return err
	}
	newest := ms[len(ms)-1].Version
	if cur > newest {
		return fmt.Errorf("%w: schema version %d, this cutover knows up to %d", ErrNewerSchema, cur, newest)
	}
	if cur == newest {
		return nil
	}
	// All pending migrations in one transaction: the database moves from
	// one known schema to the newest, or not at all.
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, m := range ms {
		if m.Version <= cur {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
		if strings.Contains(m.SQL, "writable_schema") {
			// A definition rewritten in place: every connection must read
			// the schema again, which a new schema version makes it do.
			var v int
			if err := tx.QueryRowContext(ctx, "PRAGMA schema_version").Scan(&v); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
			if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA schema_version = %d", v+1)); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.Version)); err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrations to schema %d: %w", newest, err)
	}
	return nil
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error {
	var err error
	if s.w != nil {
		err = s.w.Close()
	}
	if s.r != nil {
		if e := s.r.Close(); err == nil {
			err = e
		}
	}
	return err
}

// DB gives read access for queries in other packages of this program
// (reports, sync). Writes must go through Write.
func (s *Store) DB() *sql.DB { return s.r }

// Tx is one write transaction. Every change made through it is recorded
// with the engineer and the time, and appended to the op log in the same
// transaction.
type Tx struct {
	*sql.Tx
	ctx      context.Context
	Engineer string
	Now      string // RFC 3339 UTC
}

// Op appends a field operation to the op log.
func (t *Tx) Op(site, kind, entity, entityID string, payload any) error {
	_, err := oplog.Append(t.ctx, t.Tx, oplog.Op{Site: site, Kind: kind, Entity: entity, EntityID: entityID,
		Engineer: t.Engineer, ObservedAt: t.Now, Payload: oplog.MustPayload(payload)})
	return err
}

// Write runs fn in one immediate write transaction, committed (with
// synchronous=FULL, so it survives the laptop dying) before Write returns.
// A non-nil error from fn rolls everything back.
func (s *Store) Write(ctx context.Context, engineer string, fn func(*Tx) error) error {
	if strings.TrimSpace(engineer) == "" {
		return errors.New("no engineer name: give --engineer NAME or set engineer in the config file")
	}
	if s.readOnly != "" {
		return s.ReadOnlyError()
	}
	sqlTx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("database %s: begin: %w", s.path, err)
	}
	tx := &Tx{Tx: sqlTx, ctx: ctx, Engineer: engineer, Now: s.Now().UTC().Format(time.RFC3339Nano)}
	if err := fn(tx); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("database %s: commit: %w", s.path, err)
	}
	return nil
}

// IntegrityCheck runs SQLite's own check of the file.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	var res string
	if err := s.r.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return err
	}
	if res != "ok" {
		return fmt.Errorf("integrity check: %s", res)
	}
	return nil
}

// Who lets the equipment register read who is writing and when.
func (t *Tx) Who() (engineer, now string) { return t.Engineer, t.Now }

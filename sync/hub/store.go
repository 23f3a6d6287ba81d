// Package hub is the central side of cutover's sync: the store (SQLite or
// PostgreSQL, one code path, its own embedded migrations), the domain rules
// that re-execute every pushed op (sync.md §6), people and tokens, and the
// HTTP+JSON API under /v1 served by `cutover serve`.
//
// Design, following ../shared/research/sync.md: the hub is authoritative and
// applies each op with domain rules (domain.go, §6); push is idempotent on
// (client, seq) and on op_id; each site has a version bumped under a row
// lock once per push transaction, and every state row carries the version
// that wrote it, so a pull cursor (epoch, ver) never skips a late commit;
// pages end on version boundaries; snapshots are built in one read
// transaction, once per site version (one builder per site across
// processes), stored in the database and served with ETag and Range; a
// restored hub rotates epochs (`cutover hub restored`) and laptops re-push
// from the hub's lower acknowledged sequence.
//
// A push is one unit of work (batch.go): the rows its rules read are
// fetched in a few set-based queries, each op's rule runs in memory with an
// undo log, and its rows are written in a bounded number of statements;
// rules that read across sites run direct, op by op in savepoints
// (rulestore.go). On SQLite concurrent pushes share one commit (group.go).
// Several hub processes may share one PostgreSQL database: nothing that
// matters is held in a process (README, "Running more than one hub").
//
// Deliberate differences from sync.md: payloads are TEXT in both dialects
// (not jsonb) so one set of queries serves both; tokens are opaque random
// strings of which only the SHA-256 is stored (no JWT); refresh tokens
// rotate on every use and a reused one revokes its laptop (tokens.go, issue
// 26); there is no HLC (observed_at is the laptop's clock, for display;
// server order and the domain rules decide), no base_ver/stale_plan
// conflict, no long-poll, and no 426 answer (429 is only for failed logins,
// edge.go and ratelimit.go). Field-owned facts
// (observations, step results, dispositions, notes) live in one generic
// table keyed by (site, entity, id, attr), so other packages' op kinds fit
// without a hub schema change.
package hub

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"cutover/internal/migrate"

	_ "github.com/jackc/pgx/v5/stdlib" // the PostgreSQL driver ("pgx")
	_ "github.com/mattn/go-sqlite3"    // the SQLite driver
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFS embed.FS

// Store is the hub's database. On SQLite it has one writer connection and a
// reader pool; on PostgreSQL one pool, with row locks doing the ordering.
type Store struct {
	dialect string // "sqlite" or "postgres"
	w, r    *sql.DB
	// Now is the hub's clock; tests may replace it.
	Now func() time.Time
	// opByOp applies every push op by op, each op in its own SAVEPOINT
	// (the path a batched push falls back to); tests compare the two.
	opByOp bool

	flightMu sync.Mutex
	flights  map[string]*snapshotFlight // snapshot builds under way (pull.go)
	// snapshotBuilds counts the snapshot files this store built.
	snapshotBuilds atomic.Int64
	seenAt         sync.Map // client id → when this process last wrote its last_seen (pull.go)
	pages          pageCache

	// The SQLite writer loop's queue (group.go); nil on PostgreSQL.
	wq             chan *pushJob
	quit, loopDone chan struct{}
	grouped        atomic.Int64 // pushes applied in a group of more than one
	// The per-site queues of PostgreSQL's group commit (sitegroup.go).
	sites siteGroups
}

// Dialect is "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect }

// Open opens the store named by spec: "sqlite:PATH", a bare PATH, or a
// postgres:// (postgresql://) URL, and brings its schema up to date.
func Open(ctx context.Context, spec string) (*Store, error) {
	switch {
	case strings.HasPrefix(spec, "postgres://") || strings.HasPrefix(spec, "postgresql://"):
		return openPostgres(ctx, spec)
	case strings.HasPrefix(spec, "sqlite:"):
		return openSQLite(ctx, strings.TrimPrefix(spec, "sqlite:"))
	case strings.Contains(spec, "://"):
		return nil, fmt.Errorf("hub store %q: want sqlite:PATH or postgres://…", spec)
	}
	return openSQLite(ctx, spec)
}

func openSQLite(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("hub store: sqlite: needs a file path")
	}
	if err := mkdirPrivate(filepath.Dir(path)); err != nil {
		return nil, fmt.Errorf("hub store: %w", err)
	}
	if err := createPrivate(path); err != nil {
		return nil, err
	}
	u := url.URL{Scheme: "file", Opaque: url.PathEscape(path)}
	// _stmt_cache_size: prepared statements kept per connection by their
	// text (a push runs the same few dozen).
	common := u.String() + "?_foreign_keys=on&_busy_timeout=15000&_synchronous=FULL&_journal_mode=WAL&_stmt_cache_size=64"
	// The writer keeps up to 64 MiB of pages (SQLite's default is 2 MiB): a
	// push inserts into the journal's and the facts' indexes all over.
	w, err := sql.Open("sqlite3", common+"&_txlock=immediate&_cache_size=-65536")
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	s := &Store{dialect: "sqlite", w: w, Now: time.Now}
	if err := s.migrate(ctx); err != nil {
		w.Close()
		return nil, openError("hub store "+path, err)
	}
	r, err := sql.Open("sqlite3", common+"&_query_only=true")
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(8)
	s.r = r
	s.startWriter()
	return s, nil
}

func openPostgres(ctx context.Context, spec string) (*Store, error) {
	db, err := sql.Open("pgx", spec)
	if err != nil {
		return nil, fmt.Errorf("hub store: %w", err)
	}
	db.SetMaxOpenConns(24)
	db.SetMaxIdleConns(24)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("hub store: cannot reach PostgreSQL: %w", err)
	}
	s := &Store{dialect: "postgres", w: db, r: db, Now: time.Now}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, openError("hub store", err)
	}
	return s, nil
}

// Close closes the store.
func (s *Store) Close() error {
	s.stopWriter()
	s.stopSites()
	err := s.w.Close()
	if s.r != s.w {
		if e := s.r.Close(); err == nil {
			err = e
		}
	}
	return err
}

// rebind turns the ? placeholders every query is written with into $N for
// PostgreSQL. No query here has a ? inside a string literal.
func (s *Store) rebind(q string) string {
	if s.dialect != "postgres" {
		return q
	}
	var b strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// forUpdate is the row-lock suffix: PostgreSQL locks the row; SQLite's
// immediate transaction already holds the whole database.
func (s *Store) forUpdate() string {
	if s.dialect == "postgres" {
		return " FOR UPDATE"
	}
	return ""
}

// tx is a write transaction with the placeholder rewriting built in.
type tx struct {
	s      *Store
	tx     *sql.Tx
	ctx    context.Context
	writes int // statements run through exec: a push's batch sees whether a direct op wrote
}

func (t *tx) exec(q string, args ...any) (sql.Result, error) {
	t.writes++
	return t.tx.ExecContext(t.ctx, t.s.rebind(q), args...)
}
func (t *tx) query(q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(t.ctx, t.s.rebind(q), args...)
}
func (t *tx) row(q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(t.ctx, t.s.rebind(q), args...)
}

// write runs fn in one write transaction.
func (s *Store) write(ctx context.Context, fn func(*tx) error) error {
	t, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("hub store: begin: %w", err)
	}
	if err := fn(&tx{s: s, tx: t, ctx: ctx}); err != nil {
		t.Rollback()
		return err
	}
	if err := t.Commit(); err != nil {
		return fmt.Errorf("hub store: commit: %w", err)
	}
	return nil
}

// read runs fn in one read-only transaction that sees a single snapshot
// (REPEATABLE READ on PostgreSQL; a WAL read transaction on SQLite).
func (s *Store) read(ctx context.Context, fn func(*tx) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.dialect == "postgres" {
		opts.Isolation = sql.LevelRepeatableRead
	}
	t, err := s.r.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("hub store: begin: %w", err)
	}
	defer t.Rollback()
	return fn(&tx{s: s, tx: t, ctx: ctx})
}

type migration = migrate.Migration

func (s *Store) migrations() ([]migration, error) {
	return migrate.Load(migrationFS, "migrations/"+s.dialect)
}

// migrate applies the dialect's migrations not yet applied, each in its own
// transaction (PostgreSQL DDL is transactional; an advisory lock keeps two
// hubs starting together from racing).
func (s *Store) migrate(ctx context.Context) error {
	ms, err := s.migrations()
	if err != nil {
		return err
	}
	return s.write(ctx, func(t *tx) error {
		if s.dialect == "postgres" {
			if _, err := t.exec(`SELECT pg_advisory_xact_lock(7140611)`); err != nil {
				return err
			}
		}
		if _, err := t.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
			return err
		}
		var cur int
		if err := t.row(`SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&cur); err != nil {
			return err
		}
		if newest := ms[len(ms)-1].Version; cur > newest {
			return fmt.Errorf("schema version %d is newer than this cutover knows (%d); upgrade cutover", cur, newest)
		}
		for _, m := range ms {
			if m.Version <= cur {
				continue
			}
			if _, err := t.exec(m.SQL); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
			if _, err := t.exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.Version, m.Name, s.Now().Unix()); err != nil {
				return err
			}
		}
		return s.derivePending(t)
	})
}

// CountForTest runs a single-number query (written with ? placeholders) on
// the store; tests use it to see what the hub holds.
func (s *Store) CountForTest(query string, args ...any) (int, error) {
	var n int
	err := s.w.QueryRowContext(context.Background(), s.rebind(query), args...).Scan(&n)
	return n, err
}

// QueryForTest runs a query (written with ? placeholders) and returns its
// rows as strings; tests use it to compare the hub's state with a laptop's.
func (s *Store) QueryForTest(query string, args ...any) ([][]string, error) {
	rows, err := s.w.QueryContext(context.Background(), s.rebind(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// ExecForTest runs one statement (written with ? placeholders); benchmarks
// use it to lay down a year of history quickly.
func (s *Store) ExecForTest(query string, args ...any) error {
	_, err := s.w.ExecContext(context.Background(), s.rebind(query), args...)
	return err
}

// QueryRowForTest runs a single-row query (written with ? placeholders) on
// the store and scans it into dest; tests use it to read what the hub holds.
func (s *Store) QueryRowForTest(query string, args []any, dest ...any) error {
	return s.w.QueryRowContext(context.Background(), s.rebind(query), args...).Scan(dest...)
}

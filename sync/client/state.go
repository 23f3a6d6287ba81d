package client

import (
	"context"
	"database/sql"

	"cutover/site"

	"github.com/google/uuid"
)

// State keys in sync_state.
const (
	keyClientID  = "client_id"
	keyAcked     = "acked_through"
	keyLastSync  = "last_sync"
	keyLastError = "last_error"
	keyErrorAt   = "last_error_at"
	keyCreds     = "credentials"
)

// ClientID returns this database's client id, making one (UUIDv7) the first
// time. It belongs to the database, because the op sequence does.
func ClientID(ctx context.Context, st *site.Store, engineer string) (string, error) {
	if id, err := stateValue(ctx, st.DB(), keyClientID); err != nil || id != "" {
		return id, err
	}
	id := ""
	err := st.Write(ctx, engineer, func(tx *site.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT value FROM sync_state WHERE key = ?`, keyClientID).Scan(&id); err == nil {
			return nil
		}
		u, err := uuid.NewV7()
		if err != nil {
			return err
		}
		id = u.String()
		return setState(tx, keyClientID, id)
	})
	return id, err
}

// SetCredentialsPath remembers where this database's credentials are.
func SetCredentialsPath(ctx context.Context, st *site.Store, engineer, path string) error {
	return st.Write(ctx, engineer, func(tx *site.Tx) error { return setState(tx, keyCreds, path) })
}

func stateValue(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, key string) (string, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM sync_state WHERE key = ?`, key).Scan(&v)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return v, err
}

func setState(tx *site.Tx, key, value string) error {
	_, err := tx.ExecContext(tx.Context(), `INSERT INTO sync_state (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

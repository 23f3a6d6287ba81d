package hub

import (
	"testing"

	"cutover/internal/migrate"
)

// The hub's two dialects take the same schema steps: the same numbers and
// names in SQLite and PostgreSQL, loaded by the one migration rule.
func TestBothDialectsHaveTheSameMigrations(t *testing.T) {
	lite, err := migrate.Load(migrationFS, "migrations/sqlite")
	if err != nil {
		t.Fatal(err)
	}
	pg, err := migrate.Load(migrationFS, "migrations/postgres")
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) != len(pg) {
		t.Fatalf("%d SQLite migrations, %d PostgreSQL", len(lite), len(pg))
	}
	for i := range lite {
		if lite[i].Name != pg[i].Name {
			t.Errorf("step %d: %s in SQLite, %s in PostgreSQL", i+1, lite[i].Name, pg[i].Name)
		}
	}
}

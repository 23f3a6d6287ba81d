// Package migrate owns the one rule by which a store's schema migrations
// are found and ordered: embedded files named NNNN_name.sql, numbered 1, 2,
// 3… without a gap or a repeat. The laptop's store (site) and the hub's
// (sync/hub, one directory per SQL dialect) both load theirs through it;
// each records how far a database has come in its own way.
package migrate

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migration is one schema step.
type Migration struct {
	Version int
	Name    string // the file's name, for messages
	SQL     string
}

// Load reads the migrations in dir of fsys, in order, refusing a file not
// named NNNN_name.sql and numbers that do not run 1, 2, 3… (a database
// records how far it has come by number, so a gap or a repeat would skip
// or repeat a step).
func Load(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, e := range entries {
		name := e.Name()
		num, rest, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v < 1 || rest == ".sql" || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("migration file %s: want NNNN_name.sql", path.Join(dir, name))
		}
		body, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: name, SQL: string(body)})
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %s: want number %d (migrations are numbered 1, 2, 3… without gaps or repeats)",
				path.Join(dir, m.Name), i+1)
		}
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("no migrations in %s", dir)
	}
	return ms, nil
}

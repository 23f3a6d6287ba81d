package site

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"cutover/internal/invgen"
)

func forceCSV(b *testing.B) []byte {
	b.Helper()
	var buf bytes.Buffer
	if err := invgen.WriteCSV(&buf, invgen.Options{Sites: 200, PerSite: 100, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkParseForce is parsing and validation alone.
func BenchmarkParseForce(b *testing.B) {
	data := forceCSV(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ParseInventory("force.csv", data, ParseOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportForce imports 20,000 positions over 200 sites into a fresh
// database, as `cutover import` does (open, migrate, parse, write).
func BenchmarkImportForce(b *testing.B) {
	data := forceCSV(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		st, err := Open(filepath.Join(b.TempDir(), "c.db"))
		if err != nil {
			b.Fatal(err)
		}
		inv, err := ParseInventory("force.csv", data, ParseOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := st.Import(context.Background(), "bench", inv, data, SiteOverrides{}); err != nil {
			b.Fatal(err)
		}
		st.Close()
	}
}

// BenchmarkImportFileForce is `cutover import` of the same file: rows of
// new sites are written while the rest of the file is read and checked.
func BenchmarkImportFileForce(b *testing.B) {
	data := forceCSV(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		st, err := Open(filepath.Join(b.TempDir(), "c.db"))
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := st.ImportFile(context.Background(), "bench", "force.csv", data, ParseOptions{}, SiteOverrides{}); err != nil {
			b.Fatal(err)
		}
		st.Close()
	}
}

// BenchmarkStatusForce is `cutover status` over 20,000 positions.
func BenchmarkStatusForce(b *testing.B) {
	data := forceCSV(b)
	st, err := Open(filepath.Join(b.TempDir(), "c.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	inv, _ := ParseInventory("force.csv", data, ParseOptions{})
	if _, err := st.Import(context.Background(), "bench", inv, data, SiteOverrides{}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		sums, err := st.Summaries(context.Background(), "", time.Now())
		if err != nil || len(sums) != 200 {
			b.Fatal(err, len(sums))
		}
	}
}

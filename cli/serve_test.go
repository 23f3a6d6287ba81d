package cli

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// testCA makes a private CA and, when host is set, a server certificate
// for host signed by it; it returns the PEM file paths.
func testCA(t *testing.T, dir, name string) (caFile string, sign func(ip string) (cert, key string)) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	caFile = filepath.Join(dir, name+"-ca.pem")
	os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o600)
	return caFile, func(ip string) (string, string) {
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "hub"},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			IPAddresses: []net.IP{net.ParseIP(ip)}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
			KeyUsage: x509.KeyUsageDigitalSignature}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		kb, _ := x509.MarshalECPrivateKey(key)
		cert, keyFile := filepath.Join(dir, "hub.pem"), filepath.Join(dir, "hub-key.pem")
		os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
		os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
		return cert, keyFile
	}
}

func TestServeTLSWithPrivateCA(t *testing.T) {
	dir, laptop := t.TempDir(), t.TempDir()
	caFile, sign := testCA(t, dir, "force")
	otherCA, _ := testCA(t, dir, "other")
	cert, key := sign("127.0.0.1")
	store := "sqlite:" + filepath.Join(dir, "hub.db")
	if code, _, e := runIn(context.Background(), t, dir, "serve", "--listen", "0.0.0.0:0", "--store", store); code != 2 || !strings.Contains(e, "TLS") {
		t.Fatalf("plain http on all interfaces: %d %s, want a usage error", code, e)
	}
	plan := filepath.Join(dir, "kx.csv")
	os.WriteFile(plan, []byte("site,label,role,plan,legacy_vendor,extension\nKX,FC-01,front_counter,avaya_fixed,cisco,31001\n"), 0o600)
	if code, o, e := runIn(context.Background(), t, dir, "hub", "import", plan, "--store", store); code != 0 {
		t.Fatalf("hub import: %d %s %s", code, o, e)
	}
	_, o, _ := runIn(context.Background(), t, dir, "hub", "user", "add", "alice", "--role", "engineer", "--sites", "KX", "--store", store)
	enrol := regexp.MustCompile(`[A-Z2-7]{4}(-[A-Z2-7]{4}){3}`).FindString(o)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	done := make(chan int)
	go func() {
		env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out, Now: time.Now,
			Getenv: func(k string) string { return map[string]string{"HOME": dir}[k] }}
		done <- Run(ctx, env, []string{"serve", "--listen", "127.0.0.1:0", "--store", store, "--tls-cert", cert, "--tls-key", key})
	}()
	var url string
	for i := 0; i < 300 && url == ""; i++ {
		time.Sleep(10 * time.Millisecond)
		url = regexp.MustCompile(`https://127\.0\.0\.1:\d+`).FindString(out.String())
	}
	if url == "" {
		t.Fatalf("serve did not start: %s", out.String())
	}
	// Without the private CA, or with another one, the hub is not trusted.
	for _, args := range [][]string{{}, {"--ca-cert", otherCA}} {
		code, _, e := runIn(ctx, t, laptop, append([]string{"login", "--hub", url, "--code", enrol}, args...)...)
		if code == 0 || !strings.Contains(e, "certificate") {
			t.Fatalf("login %v: %d %s, want a certificate error", args, code, e)
		}
	}
	code, o, e := runIn(ctx, t, laptop, "login", "--hub", url, "--code", enrol, "--ca-cert", caFile)
	if code != 0 {
		t.Fatalf("login with the private CA: %d %s %s", code, o, e)
	}
	if code, o, e := runIn(ctx, t, laptop, "sync"); code != 0 || !strings.Contains(o, "pulled") {
		t.Fatalf("sync over TLS: %d %s %s", code, o, e)
	}
	// The same process serves the web page at /; under TLS its session
	// cookie is Secure.
	pool := x509.NewCertPool()
	caPEM, _ := os.ReadFile(caFile)
	pool.AppendCertsFromPEM(caPEM)
	browser := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(url + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), "One-time code") {
		t.Fatalf("GET / on the hub: %d\n%s", resp.StatusCode, page)
	}
	_, o, _ = runIn(ctx, t, dir, "hub", "user", "add", "pm", "--role", "supervisor", "--web", "--store", store)
	webCode := regexp.MustCompile(`[A-Z2-7]{4}(-[A-Z2-7]{4}){3}`).FindString(o)
	req, _ := http.NewRequest("POST", url+"/signin", strings.NewReader("code="+webCode))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, err = browser.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if cs := resp.Cookies(); resp.StatusCode != http.StatusSeeOther || len(cs) != 1 || !cs[0].Secure || !cs[0].HttpOnly {
		t.Fatalf("web sign-in over TLS: %d %+v", resp.StatusCode, cs)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("serve exit %d: %s", code, out.String())
	}
}

func TestServeLimitFlags(t *testing.T) {
	for _, args := range [][]string{{"--trusted-proxy", "not-an-address"}, {"--max-in-flight", "0"}, {"--body-memory", "0"},
		{"--notify-url", "ftp://example.invalid/hook"}} {
		code, _, errOut := runCLI(t, "", append([]string{"serve", "--store", "sqlite:" + filepath.Join(t.TempDir(), "hub.db")}, args...)...)
		if code != 2 || !strings.Contains(errOut, args[0][2:]) {
			t.Errorf("serve %v: exit %d %q, want 2 naming the flag", args, code, errOut)
		}
	}
}

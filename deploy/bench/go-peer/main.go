// The benchmark's Go peer: the gateway's benchmarked routes written as a Go team would write
// them, net/http + pgx behind the same nginx (HTTP/1.1 upstream keep-alive), doing the same
// work per request: the same HS256 token check, the same SQL, the same answer and headers.
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o go-peer main.go
//	go-peer SOCKET_PATH DATABASE_URL JWT_SECRET POOL_SIZE
//
// Routes: GET /functions/v1/health, POST /functions/v1/device-enrollment with `enroll` of a
// device the caller already has. Anything else answers 404: the peer exists to be measured.
package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v4"
	"github.com/jackc/pgx/v4/pgxpool"
)

// The gateway's SilentEnrollmentStore.touchSQL, verbatim.
const touchSQL = `
WITH found AS (
    SELECT id, status FROM devices WHERE fingerprint = $1 AND user_id = $2::uuid
), touched AS (
    UPDATE devices SET last_seen = now()
    FROM found WHERE devices.id = found.id AND found.status NOT IN ('revoked', 'inactive')
), relaxed_commit AS (
    SELECT set_config('synchronous_commit', 'off', true)
)
SELECT found.id::text AS id, found.status FROM found, relaxed_commit`

const leewaySeconds = 30

type server struct {
	pool   *pgxpool.Pool
	secret []byte
}

func main() {
	if len(os.Args) != 5 {
		fmt.Fprintln(os.Stderr, "usage: go-peer SOCKET_PATH DATABASE_URL JWT_SECRET POOL_SIZE")
		os.Exit(2)
	}
	socketPath, databaseURL, secret := os.Args[1], os.Args[2], os.Args[3]
	poolSize, err := strconv.Atoi(os.Args[4])
	if err != nil || poolSize < 1 {
		fmt.Fprintln(os.Stderr, "go-peer: POOL_SIZE must be a positive number")
		os.Exit(2)
	}
	config, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-peer: bad DATABASE_URL:", err)
		os.Exit(1)
	}
	config.MaxConns = int32(poolSize)
	pool, err := pgxpool.ConnectConfig(context.Background(), config)
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-peer: cannot connect:", err)
		os.Exit(1)
	}
	os.Remove(socketPath)
	listener, err := net.Listen("unix", socketPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-peer: listen:", err)
		os.Exit(1)
	}
	os.Chmod(socketPath, 0o666) // nginx's workers run as another user
	s := &server{pool: pool, secret: []byte(secret)}
	mux := http.NewServeMux()
	mux.HandleFunc("/functions/v1/health", s.health)
	mux.HandleFunc("/functions/v1/device-enrollment", s.deviceEnrollment)
	if err := http.Serve(listener, mux); err != nil {
		fmt.Fprintln(os.Stderr, "go-peer:", err)
		os.Exit(1)
	}
}

// The gateway's common headers (ResponseWriter), on every answer.
func writeJSON(w http.ResponseWriter, status int, body interface{}) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Headers", "authorization, x-client-info, apikey, content-type, x-retry-count, traceparent, tracestate, baggage")
	h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
	h.Set("X-Content-Type-Options", "nosniff")
	encoded, _ := json.Marshal(body)
	w.WriteHeader(status)
	w.Write(encoded)
}

type errorBody struct {
	Error string `json:"error"`
}

func (s *server) health(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeJSON(w, 405, errorBody{"Method not allowed"})
		return
	}
	writeJSON(w, 200, struct {
		Status string `json:"status"`
	}{"ok"})
}

type claims struct {
	Subject   string `json:"sub"`
	Role      string `json:"role"`
	Expires   *int64 `json:"exp"`
	NotBefore *int64 `json:"nbf"`
}

// verify checks an HS256 token as the gateway's JWTVerifier does: algorithm, signature in
// constant time, expiry and not-before with 30 s of leeway.
func (s *server) verify(token string) (*claims, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, false
	}
	header, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return nil, false
	}
	var algorithm struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(header, &algorithm) != nil || algorithm.Alg != "HS256" {
		return nil, false
	}
	signature, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, false
	}
	mac := hmac.New(sha256.New, s.secret)
	mac.Write([]byte(parts[0] + "." + parts[1]))
	if !hmac.Equal(mac.Sum(nil), signature) {
		return nil, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, false
	}
	var c claims
	if json.Unmarshal(payload, &c) != nil {
		return nil, false
	}
	now := time.Now().Unix()
	if c.Expires == nil || now > *c.Expires+leewaySeconds {
		return nil, false
	}
	if c.NotBefore != nil && now+leewaySeconds < *c.NotBefore {
		return nil, false
	}
	return &c, true
}

type enrollRequest struct {
	Action      string `json:"action"`
	Fingerprint string `json:"fingerprint"`
}

type enrolled struct {
	Success  bool   `json:"success"`
	DeviceID string `json:"device_id"`
	Status   string `json:"status"`
	Message  string `json:"message"`
}

func (s *server) deviceEnrollment(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeJSON(w, 405, errorBody{"Method not allowed"})
		return
	}
	bearer := r.Header.Get("Authorization")
	if !strings.HasPrefix(bearer, "Bearer ") {
		writeJSON(w, 401, errorBody{"No authorization header"})
		return
	}
	c, ok := s.verify(strings.TrimPrefix(bearer, "Bearer "))
	if !ok || c.Role != "authenticated" || c.Subject == "" {
		writeJSON(w, 401, errorBody{"Invalid authentication"})
		return
	}
	var body enrollRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&body); err != nil {
		writeJSON(w, 400, errorBody{"Invalid JSON body"})
		return
	}
	if body.Action != "enroll" {
		writeJSON(w, 404, errorBody{"the Go peer implements enroll only"})
		return
	}
	if body.Fingerprint == "" {
		writeJSON(w, 400, errorBody{"Fingerprint required"})
		return
	}
	var id, status string
	err := s.pool.QueryRow(r.Context(), touchSQL, body.Fingerprint, c.Subject).Scan(&id, &status)
	switch {
	case err == pgx.ErrNoRows:
		writeJSON(w, 404, errorBody{"the Go peer enrolls known devices only"})
	case err != nil:
		writeJSON(w, 503, errorBody{"Service temporarily unavailable"})
	default:
		writeJSON(w, 200, enrolled{true, id, status, "Device already enrolled"})
	}
}

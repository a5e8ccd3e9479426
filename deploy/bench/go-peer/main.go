// The benchmark's Go peer: the gateway's benchmarked routes written as a Go team would write
// them, net/http + pgx behind the same nginx (HTTP/1.1 upstream keep-alive), doing the same
// work per request: the same HS256 token check, the same SQL, the same answer and headers.
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o go-peer main.go
//	go-peer SOCKET_PATH DATABASE_URL JWT_SECRET POOL_SIZE
//
// Routes: GET /functions/v1/health, POST /functions/v1/device-enrollment with `enroll` of a
// device the caller already has and `check_tailscale_status` of a device whose node has not
// joined yet (the lookup and the linking rules' candidates query), POST /functions/v1/tailscale-api with `check-device` (anon
// key, limited per client address in memory, like the gateway's per-host counters; answered
// from the synced inventory as it stands: the peer never refreshes a stale one, which the
// gateway does once per INVENTORY_MAX_AGE_SECONDS, so the peer does a little less work).
// Anything else answers 404: the peer exists to be measured.
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
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v4"
	"github.com/jackc/pgx/v4/pgxpool"
)

// The gateway's DeviceStore.touchEnrolledSQL, verbatim.
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

// The gateway's InventoryStore.byIdentifierSQL wrapped by withFreshness, with nodeColumns and
// InventoryStore.nodeIsOnline spelled out, verbatim (the gateway runs it under a comment naming
// the inventory's size class, so that a connection plans it again when the inventory has grown).
const nodeByIdentifierSQL = `
SELECT coalesce(s.synced_at >= now() - make_interval(secs => $2), false) AS inventory_fresh,
       s.node_count AS inventory_nodes, found.*
FROM tailscale_sync_state s
LEFT JOIN LATERAL (SELECT n.raw::text AS node_raw, ` + nodeIsOnline + ` AS node_online FROM tailscale_nodes n
WHERE lower(n.hostname) = $1 OR lower(n.dns_name) = $1
   OR split_part(lower(n.dns_name), '.', 1) = $1 OR n.addresses @> ARRAY[$1]
   OR n.node_id = $1 OR lower(n.stable_node_id) = $1
ORDER BY CASE WHEN lower(n.hostname) = $1 THEN 0 WHEN lower(n.dns_name) = $1 THEN 1
              WHEN split_part(lower(n.dns_name), '.', 1) = $1 THEN 2 WHEN n.addresses @> ARRAY[$1] THEN 3 ELSE 4 END,
         node_online DESC
LIMIT 1) found ON true
WHERE s.id = 1`

const nodeIsOnline = `coalesce(n.connected_to_control, n.last_seen >= now() - interval '120 seconds', false)`

// The gateway's DeviceStore.joiningSQL, verbatim.
const joiningDeviceSQL = `
SELECT d.id::text AS id, d.user_id::text AS user_id, d.organization_id::text AS organization_id, d.status,
       coalesce(s.synced_at >= now() - make_interval(secs => $2), false) AS inventory_fresh, found.*
FROM devices d
JOIN tailscale_sync_state s ON s.id = 1
LEFT JOIN LATERAL (
    SELECT n.raw::text AS node_raw, ` + nodeIsOnline + ` AS node_online FROM tailscale_nodes n WHERE n.node_id = d.tailscale_device_id
) found ON true
WHERE d.id = $1::uuid`

// The gateway's InventoryStore.linkCandidatesSQL (the linking rules' candidates for a device
// that is not linked yet), with OrganizationStore.tagsSQL spelled out, verbatim.
const linkingCandidatesSQL = `
WITH d AS MATERIALIZED (
    SELECT dv.id, dv.organization_id, lower(replace(dv.name, ' ', '-')) AS expected_hostname,
           $3::text AS named_hostname, $4::boolean AS named_by_admin,
           dv.tailscale_key_id IS NOT NULL AS own_key, dv.tailscale_key_used_at IS NOT NULL AS key_used,
           date_trunc('second', dv.tailscale_key_created_at) AS key_created_at,
           coalesce(dv.tailscale_key_expires_at, 'infinity') AS key_expires_at, dv.tailscale_key_tags AS key_tags,
           date_trunc('second', dv.enrollment_expires_at - make_interval(secs => $2)) AS token_issued_at,
           date_trunc('second', dv.created_at) AS device_created_at,
           coalesce((SELECT c.tags FROM organization_tailscale_config c
                  WHERE c.organization_id = dv.organization_id AND c.is_active AND (c.expires_at IS NULL OR c.expires_at > now())
                  ORDER BY c.created_at DESC LIMIT 1), ARRAY['tag:prod']) AS organization_tags
    FROM devices dv WHERE dv.id = $1::uuid
)
SELECT n.raw::text AS node_raw, ` + nodeIsOnline + ` AS node_online,
       coalesce(lower(n.hostname) = d.expected_hostname OR lower(n.hostname) = d.named_hostname, false) AS matches_name,
       EXISTS (SELECT 1 FROM devices o
               WHERE o.id <> d.id AND o.status = 'pending' AND o.tailscale_device_id IS NULL
                 AND o.tailscale_key_used_at IS NOT NULL AND o.organization_id IS NOT DISTINCT FROM d.organization_id
                 AND lower(replace(o.name, ' ', '-')) = lower(n.hostname)) AS named_for_another
FROM d CROSS JOIN LATERAL (
    SELECT * FROM tailscale_nodes n
    WHERE d.named_by_admin AND lower(n.hostname) = d.named_hostname
    UNION ALL
    SELECT * FROM tailscale_nodes n
    WHERE NOT d.named_by_admin AND d.own_key AND d.key_used
      AND n.created_at BETWEEN d.key_created_at AND d.key_expires_at AND n.tags @> d.key_tags
    UNION ALL
    SELECT * FROM tailscale_nodes n
    WHERE NOT d.named_by_admin AND NOT d.own_key AND d.token_issued_at IS NOT NULL
      AND lower(n.hostname) = d.expected_hostname
) n
WHERE n.tags && d.organization_tags
  AND NOT EXISTS (SELECT 1 FROM devices o WHERE o.tailscale_device_id = n.node_id AND o.id <> d.id)
  AND n.created_at >= coalesce(d.token_issued_at, d.device_created_at)
ORDER BY n.created_at DESC
LIMIT 20`

// ENROLLMENT_TOKEN_TTL_HOURS' default, in seconds.
const enrollmentTokenLifetimeSeconds = 24 * 3600

const leewaySeconds = 30
const inventoryMaxAgeSeconds = 5

type server struct {
	pool            *pgxpool.Pool
	secret          []byte
	checksPerMinute int
	limitMutex      sync.Mutex
	limitWindow     int64
	limitHits       map[string]int
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
	s := &server{pool: pool, secret: []byte(secret), checksPerMinute: 100000000, limitHits: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/functions/v1/health", s.health)
	mux.HandleFunc("/functions/v1/device-enrollment", s.deviceEnrollment)
	mux.HandleFunc("/functions/v1/tailscale-api", s.tailscaleAPI)
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
	Action          string `json:"action"`
	Fingerprint     string `json:"fingerprint"`
	EnrollmentToken string `json:"enrollment_token"`
}

type notConnected struct {
	Success   bool   `json:"success"`
	Status    string `json:"status"`
	Connected bool   `json:"tailscale_connected"`
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
	if body.Action == "check_tailscale_status" {
		s.checkTailscaleStatus(w, r, c, strings.ToLower(body.EnrollmentToken))
		return
	}
	if body.Action != "enroll" {
		writeJSON(w, 404, errorBody{"the Go peer implements enroll and check_tailscale_status only"})
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

// limited counts one anonymous check of the address in the current minute.
func (s *server) limited(address string) bool {
	s.limitMutex.Lock()
	defer s.limitMutex.Unlock()
	window := time.Now().Unix() / 60
	if window != s.limitWindow {
		s.limitWindow = window
		s.limitHits = map[string]int{}
	}
	s.limitHits[address]++
	return s.limitHits[address] > s.checksPerMinute
}

type inventoryDevice struct {
	ID        string   `json:"id"`
	Hostname  string   `json:"hostname"`
	LastSeen  *string  `json:"lastSeen"`
	Addresses []string `json:"addresses"`
}

// CompatibleDevice.publicSummary: what an anonymous caller may learn of a node.
type publicSummary struct {
	Hostname    string   `json:"hostname"`
	LastSeen    *string  `json:"lastSeen"`
	IPAddresses []string `json:"ipAddresses"`
}

type checkFound struct {
	Success bool          `json:"success"`
	Found   bool          `json:"found"`
	Online  bool          `json:"online"`
	Device  publicSummary `json:"device"`
}

type checkMissing struct {
	Success bool   `json:"success"`
	Found   bool   `json:"found"`
	Online  bool   `json:"online"`
	Message string `json:"message"`
}

func (s *server) tailscaleAPI(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeJSON(w, 405, errorBody{"Method not allowed"})
		return
	}
	key := r.Header.Get("apikey")
	if bearer := r.Header.Get("Authorization"); strings.HasPrefix(bearer, "Bearer ") {
		key = strings.TrimPrefix(bearer, "Bearer ")
	}
	c, ok := s.verify(key)
	if !ok || c.Role != "anon" {
		writeJSON(w, 401, errorBody{"the Go peer serves anonymous check-device only"})
		return
	}
	var body struct {
		Action     string `json:"action"`
		Identifier string `json:"identifier"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&body); err != nil {
		writeJSON(w, 400, errorBody{"Invalid JSON body"})
		return
	}
	if body.Action != "check-device" {
		writeJSON(w, 404, errorBody{"the Go peer implements check-device only"})
		return
	}
	if s.limited(r.Header.Get("X-Forwarded-For")) {
		w.Header().Set("Retry-After", "60")
		writeJSON(w, 429, errorBody{"Too many requests"})
		return
	}
	identifier := strings.TrimRight(strings.ToLower(body.Identifier), ".")
	if identifier == "" {
		writeJSON(w, 400, errorBody{"Device identifier required"})
		return
	}
	var fresh bool
	var nodes int
	var raw *string
	var online *bool
	err := s.pool.QueryRow(r.Context(), nodeByIdentifierSQL, identifier, inventoryMaxAgeSeconds).Scan(&fresh, &nodes, &raw, &online)
	if err != nil && err != pgx.ErrNoRows {
		writeJSON(w, 503, errorBody{"Service temporarily unavailable"})
		return
	}
	var device inventoryDevice
	if raw == nil || json.Unmarshal([]byte(*raw), &device) != nil || device.ID == "" {
		writeJSON(w, 200, checkMissing{true, false, false, "Device not found in Tailscale network"})
		return
	}
	if device.Addresses == nil {
		device.Addresses = []string{}
	}
	writeJSON(w, 200, checkFound{true, true, online != nil && *online, publicSummary{device.Hostname, device.LastSeen, device.Addresses}})
}

func (s *server) checkTailscaleStatus(w http.ResponseWriter, r *http.Request, c *claims, deviceID string) {
	if deviceID == "" {
		writeJSON(w, 400, errorBody{"Device ID required"})
		return
	}
	if !uuidText.MatchString(deviceID) {
		writeJSON(w, 404, errorBody{"Device not found"})
		return
	}
	var id, userID, status string
	var organizationID, raw *string
	var fresh bool
	var online *bool
	err := s.pool.QueryRow(r.Context(), joiningDeviceSQL, deviceID, inventoryMaxAgeSeconds).
		Scan(&id, &userID, &organizationID, &status, &fresh, &raw, &online)
	switch {
	case err == pgx.ErrNoRows || (err == nil && userID != c.Subject):
		writeJSON(w, 404, errorBody{"Device not found"})
		return
	case err != nil:
		writeJSON(w, 503, errorBody{"Service temporarily unavailable"})
		return
	}
	notConnectedYet := notConnected{true, status, false}
	if status == "revoked" || status == "inactive" {
		writeJSON(w, 200, notConnectedYet)
		return
	}
	if raw == nil {
		// Not linked yet: the linking rules' candidates.
		rows, err := s.pool.Query(r.Context(), linkingCandidatesSQL, deviceID, enrollmentTokenLifetimeSeconds, nil, false)
		if err != nil {
			writeJSON(w, 503, errorBody{"Service temporarily unavailable"})
			return
		}
		candidates := 0
		for rows.Next() {
			candidates++
		}
		rows.Close()
		if rows.Err() != nil {
			writeJSON(w, 503, errorBody{"Service temporarily unavailable"})
			return
		}
		if candidates == 0 {
			writeJSON(w, 200, notConnectedYet)
			return
		}
		writeJSON(w, 404, errorBody{"the Go peer does not link nodes"})
		return
	}
	if online == nil || !*online {
		writeJSON(w, 200, notConnectedYet)
		return
	}
	writeJSON(w, 404, errorBody{"the Go peer does not complete enrollments"})
}

var uuidText = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

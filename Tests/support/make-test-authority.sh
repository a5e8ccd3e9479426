#!/bin/sh
# Makes a throwaway certificate authority and a server certificate for 127.0.0.1 signed by it,
# for tests that reach the simulator over HTTPS as production reaches the Tailscale API.
# Writes DIR/authority.pem (the authority's certificate: what a client is told to trust),
# DIR/certificate.pem and DIR/key.pem (what the server presents). Valid for two days.
set -eu
dir=${1:?usage: make-test-authority.sh DIR}
cd "$dir"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -keyout authority-key.pem -out authority.pem -subj "/CN=Nexus Vault test authority" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout key.pem -out certificate.csr -subj "/CN=127.0.0.1" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' \
    > certificate.ext
openssl x509 -req -in certificate.csr -CA authority.pem -CAkey authority-key.pem -CAcreateserial -days 2 \
    -extfile certificate.ext -out certificate.pem 2>/dev/null
rm -f authority-key.pem certificate.csr certificate.ext authority.srl
chmod 0644 authority.pem certificate.pem key.pem

#!/usr/bin/env bash
# A local certificate authority for tokenclear's TLS and mutual TLS, made with Debian's
# openssl: the CA, the server's certificate (for localhost, 127.0.0.1 and ::1) and one
# client certificate per principal named on the command line, each with the principal in
# its common name and in a URI subject alternative name "tokenclear:principal:<id>" (the
# identity the server maps to the principal; docs/ACCESS.md).
#
#   deploy/certs.sh DIR [PRINCIPAL...]
#     DIR/ca.pem, DIR/ca.key             the CA (kept if present: re-running adds clients)
#     DIR/server.pem, DIR/server.key     the server's
#     DIR/clients/<principal>.pem/.key   each client's
#
# Keys are ECDSA P-256, private keys mode 0600. For a production install, use your own
# CA and give the server its files (--tls_cert, --tls_key, --tls_client_ca).
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: deploy/certs.sh DIR [PRINCIPAL...]" >&2
  exit 2
fi
dir=$1
shift
mkdir -p "$dir/clients"
umask 077

# new_key_and_csr KEY CSR SUBJECT
new_key_and_csr() {
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$1" -out "$2" -subj "$3" 2>/dev/null
}

# sign CSR OUT EXTENSIONS: a certificate from the CA, valid 825 days, random serial.
sign() {
  local extensions
  extensions=$(mktemp)
  printf '%b\n' "$3" >"$extensions"
  openssl x509 -req -in "$1" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -set_serial "0x$(openssl rand -hex 16)" \
    -days 825 -sha256 -extfile "$extensions" -out "$2" 2>/dev/null
  rm -f "$extensions" "$1"
}

if [[ ! -s $dir/ca.pem || ! -s $dir/ca.key ]]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" -days 3650 -sha256 \
    -subj "/O=tokenclear/CN=tokenclear local CA $(basename "$dir")" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
fi
chmod 0644 "$dir/ca.pem"

if [[ ! -s $dir/server.pem || ! -s $dir/server.key ]]; then
  new_key_and_csr "$dir/server.key" "$dir/server.csr" "/O=tokenclear/CN=localhost"
  sign "$dir/server.csr" "$dir/server.pem" \
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1"
  chmod 0644 "$dir/server.pem"
fi

for principal in "$@"; do
  if [[ ! $principal =~ ^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$ ]]; then
    echo "certs: '$principal' is not a principal id" >&2
    exit 2
  fi
  if [[ -s $dir/clients/$principal.pem && -s $dir/clients/$principal.key ]]; then continue; fi
  new_key_and_csr "$dir/clients/$principal.key" "$dir/clients/$principal.csr" \
    "/O=tokenclear/CN=$principal"
  sign "$dir/clients/$principal.csr" "$dir/clients/$principal.pem" \
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectAltName=URI:tokenclear:principal:$principal"
  chmod 0644 "$dir/clients/$principal.pem"
done

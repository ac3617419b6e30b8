#!/usr/bin/env bash
# Sign and send GET /api/v1/services/whoami?b=2&a=1 as a system credential.
set -euo pipefail

APP_KEY="${APP_KEY:?set APP_KEY to the app key of the credential}"
SECRET="${SECRET:?set SECRET to the secret of the credential, exactly as issued}"
GOVDATA="${GOVDATA:-http://127.0.0.1:8080}"
GOVDATA="${GOVDATA%/}"
SIGN_METHOD="${SIGN_METHOD:-HMAC-SHA256}"  # or HMAC-SM3

METHOD=GET
REQUEST_PATH=/api/v1/services/whoami  # as sent: percent-encoded, without the query
PARAMS=("b=2" "a=1")                  # name=value pairs, not yet encoded
BODY=""                               # the exact bytes sent; none for a GET

# RFC 3986 percent-encoding: keep A-Z a-z 0-9 - _ . ~, write every other byte as %XX.
urlencode() {
  local hex out=""
  for hex in $(printf '%s' "$1" | xxd -p -c1); do
    case "$hex" in
      2d|2e|3[0-9]|4[1-9a-f]|5[0-9a]|5f|6[1-9a-f]|7[0-9a]|7e) out+=$(printf "\\x$hex") ;;
      *) out+="%${hex^^}" ;;
    esac
  done
  printf '%s' "$out"
}

# Encode each pair; send them in any order, sign them sorted by name, then value.
PAIRS=()
for p in "${PARAMS[@]}"; do
  PAIRS+=("$(urlencode "${p%%=*}")=$(urlencode "${p#*=}")")
done
QUERY=$(IFS='&'; printf '%s' "${PAIRS[*]}")
CANONICAL_QUERY=$(printf '%s\n' "${PAIRS[@]}" | LC_ALL=C sort -t= -k1,1 -k2,2 | paste -sd'&' -)

BODY_SHA256=$(printf '%s' "$BODY" | sha256sum)
BODY_SHA256=${BODY_SHA256%% *}
TIMESTAMP=$(date +%s)
NONCE=$(openssl rand -hex 16)

case "$SIGN_METHOD" in
  HMAC-SHA256) DIGEST=-sha256 ;;
  HMAC-SM3)    DIGEST=-sm3 ;;
  *) echo "SIGN_METHOD must be HMAC-SHA256 or HMAC-SM3" >&2; exit 2 ;;
esac
SIGNATURE=$(printf '%s\n%s\n%s\n%s\n%s\n%s' "$METHOD" "$REQUEST_PATH" "$CANONICAL_QUERY" \
    "$BODY_SHA256" "$TIMESTAMP" "$NONCE" | openssl dgst "$DIGEST" -hmac "$SECRET" -r)
SIGNATURE=${SIGNATURE%% *}

curl -sS --fail-with-body -X "$METHOD" \
  -H "X-App-Key: $APP_KEY" \
  -H "X-Timestamp: $TIMESTAMP" \
  -H "X-Nonce: $NONCE" \
  -H "X-Sign-Method: $SIGN_METHOD" \
  -H "X-Signature: $SIGNATURE" \
  "$GOVDATA$REQUEST_PATH${QUERY:+?$QUERY}"

#!/usr/bin/env bash
# Run by test/unit/sandbox-curl.test.ts (npm test), or by hand: starts `oli sandbox` on a free port and sends the request
# bodies Oracle documents for these resources (docs/SANDBOX.md lists them) with curl, checking each status code.
# Needs: node, curl, openssl. Build first: node scripts/build.mjs   (or set OLI_CLI=path/to/cli.js)
set -euo pipefail
cd "$(dirname "$0")/.."
CLI=${OLI_CLI:-dist/cli.js}
WORK=$(mktemp -d)
ADMIN_PW="curl-$(openssl rand -hex 8)"
PASS=0
FAIL=0

cleanup() {
  if [[ -n "${SB_PID:-}" ]] && kill -0 "$SB_PID" 2>/dev/null; then kill -TERM "$SB_PID"; wait "$SB_PID" || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

node "$CLI" sandbox --port 0 --users 500 --admin-password "$ADMIN_PW" >"$WORK/out.txt" 2>&1 &
SB_PID=$!
for _ in $(seq 1 100); do grep -q 'listening on' "$WORK/out.txt" 2>/dev/null && break; sleep 0.1; done
BASE=$(sed -n 's/.*listening on \(http:\/\/127\.0\.0\.1:[0-9]*\).*/\1/p' "$WORK/out.txt")
[[ -n "$BASE" ]] || { echo "sandbox did not start:"; cat "$WORK/out.txt"; exit 1; }
echo "sandbox at $BASE"
ADMIN="admin.sandbox:$ADMIN_PW"

# json FILE EXPR: evaluates a JS expression on the parsed JSON body (as j).
json() { node -e "const j=JSON.parse(require('fs').readFileSync('$1','utf8')); const v=($2); process.stdout.write(String(v))"; }

# check NAME EXPECTED_STATUS curl-args...   (body saved in $WORK/body)
check() {
  local name=$1 expected=$2; shift 2
  local status
  status=$(curl -s -o "$WORK/body" -w '%{http_code}' "$@")
  if [[ "$status" == "$expected" ]]; then PASS=$((PASS + 1)); printf '  ok   %-62s %s\n' "$name" "$status"
  else FAIL=$((FAIL + 1)); printf '  FAIL %-62s got %s, expected %s: %s\n' "$name" "$status" "$expected" "$(head -c 300 "$WORK/body")"; fi
}

SCIM="$BASE/hcmRestApi/scim"
ADF="$BASE/hcmRestApi/resources/11.13.18.05"
ESS="$BASE/ess/rest/scheduler/v1"
JSONH=(-H 'Content-Type: application/json')

echo "SCIM (step 3, 5, 6)"
check 'GET Users?filter=userName eq "user.coursera" (absent)' 200 -u "$ADMIN" -G "$SCIM/Users" --data-urlencode 'filter=userName eq "user.coursera"' --data-urlencode 'attributes=userName,emails,active'
[[ $(json "$WORK/body" 'j.Resources.length') == 0 ]] || { echo '  FAIL user.coursera should not exist yet'; FAIL=$((FAIL + 1)); }
check 'GET Roles?filter=name eq "ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY"' 200 -u "$ADMIN" -G "$SCIM/Roles" --data-urlencode 'filter=name eq "ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY"'
check 'hook: job role with only the provider duty' 201 "${JSONH[@]}" -X POST "$BASE/__sandbox/roles" \
  -d '{"name":"XX_COURSERA_CONTENT_PROVIDER_JOB","displayName":"Coursera Content Provider","category":"JOB","duties":["ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY"]}'
check 'GET Roles?filter=name eq "XX_COURSERA_CONTENT_PROVIDER_JOB"' 200 -u "$ADMIN" -G "$SCIM/Roles" --data-urlencode 'filter=name eq "XX_COURSERA_CONTENT_PROVIDER_JOB"'
ROLE_ID=$(json "$WORK/body" 'j.Resources[0].id')
USER_BODY='{"schemas":["urn:scim:schemas:core:2.0:User"],"name":{"familyName":"Integration","givenName":"Coursera"},"active":true,"userName":"user.coursera","emails":[{"primary":true,"value":"user.coursera@example.com","type":"W"}],"displayName":"Coursera Integration","password":"Welcome-1-curl"}'
check 'POST Users (documented body)' 201 -u "$ADMIN" "${JSONH[@]}" -X POST "$SCIM/Users" -d "$USER_BODY"
USER_ID=$(json "$WORK/body" 'j.id')
if grep -q 'Welcome-1-curl' "$WORK/body"; then echo '  FAIL password echoed'; FAIL=$((FAIL + 1)); else PASS=$((PASS + 1)); echo '  ok   password not echoed'; fi
check 'POST Users again (duplicate userName)' 409 -u "$ADMIN" "${JSONH[@]}" -X POST "$SCIM/Users" -d "$USER_BODY"
check 'PATCH Roles/{id} members ADD' 204 -u "$ADMIN" "${JSONH[@]}" -X PATCH "$SCIM/Roles/$ROLE_ID" -d "{\"members\":[{\"value\":\"$USER_ID\",\"operation\":\"ADD\"}]}"
check 'POST Roles (not allowed)' 405 -u "$ADMIN" "${JSONH[@]}" -X POST "$SCIM/Roles" -d '{"name":"X"}'
check 'GET Users/{id}' 200 -u "$ADMIN" "$SCIM/Users/$USER_ID"

echo "userAccounts, learning (steps 4, 6, 7)"
check "GET userAccounts?q=Username='user.coursera'" 200 -u "$ADMIN" -G "$ADF/userAccounts" --data-urlencode "q=Username='user.coursera'"
[[ $(json "$WORK/body" 'j.items[0].PersonId') == null ]] && { PASS=$((PASS + 1)); echo '  ok   PersonId is null (no person)'; } || { FAIL=$((FAIL + 1)); echo '  FAIL PersonId should be null'; }
check "GET userAccounts/{GUID}/child/userAccountRoles" 200 -u "$ADMIN" "$ADF/userAccounts/$USER_ID/child/userAccountRoles"
check 'GET learningSelfPacedItems?limit=1' 200 -u "$ADMIN" "$ADF/learningSelfPacedItems?limit=1"
check 'GET without credentials' 401 "$ADF/learningSelfPacedItems?limit=1"

echo "JWT (steps 8, 9) with an openssl certificate"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/key.pem" -out "$WORK/cert.pem" -days 2 -subj '/CN=curl coursera' 2>/dev/null
X5T=$(openssl x509 -in "$WORK/cert.pem" -outform DER | openssl dgst -sha1 -binary | openssl base64 -A | tr '+/' '-_' | tr -d '=')
CERT_JSON=$(node -e "process.stdout.write(JSON.stringify(require('fs').readFileSync('$WORK/cert.pem','utf8')))")
check 'hook: API authentication provider (issuer + certificate)' 201 "${JSONH[@]}" -X POST "$BASE/__sandbox/api-authentication-providers" \
  -d "{\"issuer\":\"https://curl.coursera.invalid\",\"alias\":\"curl-coursera\",\"certificate\":$CERT_JSON}"
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
NOW=$(date +%s)
HDR=$(printf '{"alg":"RS256","typ":"JWT","x5t":"%s"}' "$X5T" | b64url)
CLM=$(printf '{"iss":"https://curl.coursera.invalid","prn":"user.coursera","sub":"user.coursera","iat":%d,"exp":%d}' "$NOW" $((NOW + 600)) | b64url)
SIG=$(printf '%s.%s' "$HDR" "$CLM" | openssl dgst -sha256 -sign "$WORK/key.pem" -binary | b64url)
JWT="$HDR.$CLM.$SIG"
check 'hook: configure external provider Coursera' 201 "${JSONH[@]}" -X POST "$BASE/__sandbox/external-providers" \
  -d '{"provider":"Coursera","userName":"user.coursera","catalogProfile":"Coursera Catalog","visibility":"public","learnerIdentifier":"email"}'
check 'JWT: GET digitalLearningProviders' 200 -H "Authorization: Bearer $JWT" "$ADF/digitalLearningProviders"
PROVIDER_ID=$(json "$WORK/body" 'j.items[0].ProviderId')
check 'JWT: GET SCIM Users (provider duty only)' 403 -H "Authorization: Bearer $JWT" "$SCIM/Users"
BADCLM=$(printf '{"iss":"https://other.invalid","prn":"user.coursera","exp":%d}' $((NOW + 600)) | b64url)
BADSIG=$(printf '%s.%s' "$HDR" "$BADCLM" | openssl dgst -sha256 -sign "$WORK/key.pem" -binary | b64url)
check 'JWT with another issuer' 401 -H "Authorization: Bearer $HDR.$BADCLM.$BADSIG" "$ADF/digitalLearningProviders"
check 'JWT: POST content' 201 -H "Authorization: Bearer $JWT" "${JSONH[@]}" -X POST "$ADF/digitalLearningProviders/$PROVIDER_ID/child/content" \
  -d '{"ExternalContentId":"urn:coursera:crs-curl-1","Title":"Curl 101","ContentUrl":"https://www.coursera.test/learn/curl","ExpectedEffortInHours":2}'

echo "OAuth variant (stand-in token endpoint)"
SCOPE=$(curl -s "$BASE/__sandbox/info" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>process.stdout.write(JSON.parse(s).scope))")
check 'hook: OAuth confidential app' 201 "${JSONH[@]}" -X POST "$BASE/__sandbox/oauth-clients" -d '{"clientId":"curl-client","clientSecret":"curl-secret","userName":"user.coursera"}'
check 'POST /oauth2/v1/token' 200 -u 'curl-client:curl-secret' --data-urlencode 'grant_type=client_credentials' --data-urlencode "scope=$SCOPE" "$BASE/oauth2/v1/token"
TOKEN=$(json "$WORK/body" 'j.access_token')
check 'POST /oauth2/v1/token bad secret' 401 -u 'curl-client:nope' --data-urlencode 'grant_type=client_credentials' --data-urlencode "scope=$SCOPE" "$BASE/oauth2/v1/token"
check 'POST /oauth2/v1/token bad scope' 400 -u 'curl-client:curl-secret' --data-urlencode 'grant_type=client_credentials' --data-urlencode 'scope=urn:opc:resource:consumer::all' "$BASE/oauth2/v1/token"

echo "xAPI stand-in + ESS (step 10)"
LEARNER_EMAIL=$(curl -s -u "$ADMIN" -G "$SCIM/Users" --data-urlencode 'startIndex=2' --data-urlencode 'count=1' | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>process.stdout.write(JSON.parse(s).Resources[0].emails[0].value))")
LEARNER_NAME=$(curl -s -u "$ADMIN" -G "$SCIM/Users" --data-urlencode 'startIndex=2' --data-urlencode 'count=1' | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>process.stdout.write(JSON.parse(s).Resources[0].userName))")
check 'POST xAPI statement (OAuth bearer)' 200 -H "Authorization: Bearer $TOKEN" -H 'X-Experience-API-Version: 1.0.3' "${JSONH[@]}" -X POST "$BASE/hcmRestApi/sandbox-standin/xapi/statements" \
  -d "{\"actor\":{\"mbox\":\"mailto:$LEARNER_EMAIL\"},\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/completed\"},\"object\":{\"id\":\"urn:coursera:crs-curl-1\"},\"timestamp\":\"2025-06-01T10:00:00Z\",\"result\":{\"duration\":\"PT45M\",\"score\":{\"scaled\":0.9}}}"
PLES='JobDefinition://oracle/apps/ess/hcm/learning/sandbox-standin/ProcessLearningExperienceStatements'
check 'POST ESS requests (stand-in job id)' 201 -u "$ADMIN" "${JSONH[@]}" -X POST "$ESS/requests" \
  -d "{\"jobDefinitionId\":\"$PLES\",\"application\":\"EarHcmEss\",\"product\":\"HCM\",\"requestParameters\":[]}"
REQ=$(json "$WORK/body" 'j.requestId')
check 'POST ESS requests (unknown job id)' 400 -u "$ADMIN" "${JSONH[@]}" -X POST "$ESS/requests" -d '{"jobDefinitionId":"JobDefinition://x/y","application":"EarHcmEss","product":"HCM"}'
for _ in $(seq 1 50); do
  STATE=$(curl -s -u "$ADMIN" "$ESS/requests/$REQ?fields=@full" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>process.stdout.write(JSON.parse(s).state))")
  [[ "$STATE" == SUCCEEDED ]] && break; sleep 0.1
done
[[ "$STATE" == SUCCEEDED ]] && { PASS=$((PASS + 1)); echo "  ok   ESS request $REQ reached SUCCEEDED"; } || { FAIL=$((FAIL + 1)); echo "  FAIL ESS request state $STATE"; }
check 'GET ESS requests?q=jobDefinitionId eq ...' 200 -u "$ADMIN" -G "$ESS/requests" --data-urlencode "q=jobDefinitionId eq \"$PLES\""
# learnerLearningRecords applies to the learner [DOC]: the learner reads their own records.
curl -s -o /dev/null "${JSONH[@]}" -X POST "$BASE/__sandbox/passwords" -d "{\"userName\":\"$LEARNER_NAME\",\"password\":\"Learner-pw-1\"}"
check 'GET learnerLearningRecords?expand=completionDetails (as the learner)' 200 -u "$LEARNER_NAME:Learner-pw-1" -G "$ADF/learnerLearningRecords" --data-urlencode 'expand=completionDetails'
RECORD=$(json "$WORK/body" 'j.items[0].assignmentStatus + " " + j.items[0].completionDetails.items[0].actualEffortInSeconds + " " + j.items[0].completionDetails.items[0].actualScore')
[[ "$RECORD" == "ORA_ASSN_REC_COMPLETE 2700 0.9" ]] && { PASS=$((PASS + 1)); echo "  ok   learner record: $RECORD"; } || { FAIL=$((FAIL + 1)); echo "  FAIL learner record: $RECORD"; }

check 'GET /__sandbox/stats' 200 "$BASE/__sandbox/stats"
echo "  requests counted: $(json "$WORK/body" 'j.requests.total')"
echo
echo "passed: $PASS, failed: $FAIL"
[[ $FAIL == 0 ]]

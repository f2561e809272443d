#!/usr/bin/env bash
# Builds and starts the external-crm example: http://localhost:7090 (the CRM service on :7091, a local Calendly on :7092).
# DATABASE_URL=jdbc:postgresql://host/db?user=...&password=... uses your PostgreSQL instead of an embedded one.
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -q -B -Papp -pl examples/external-crm -am package -DskipTests
exec java ${JAVA_OPTS:-} -jar examples/external-crm/target/external-crm-app.jar "$@"

#!/usr/bin/env bash
# Builds and starts the embed-minimal example: http://localhost:7080 (a local Calendly on :7081).
# DATABASE_URL=jdbc:postgresql://host/db?user=...&password=... uses your PostgreSQL instead of an embedded one.
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -q -B -Papp -pl examples/embed-minimal -am package -DskipTests
exec java ${JAVA_OPTS:-} -jar examples/embed-minimal/target/embed-minimal-app.jar "$@"

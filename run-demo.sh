#!/usr/bin/env bash
# Builds and starts tenant-host, the demo host: http://localhost:7070 (configuration: README).
set -euo pipefail
cd "$(dirname "$0")"
mvn -q -B -Pdemo -pl tenant-host -am package -DskipTests
exec java ${JAVA_OPTS:-} -jar tenant-host/target/tenant-host-demo.jar "$@"

#!/usr/bin/env sh
# Runs the Calendly sandbox standalone (a local Calendly: OAuth, API, signed webhooks) until stopped,
# seeded with a demo organization, an OAuth app and a personal access token whose credentials it prints.
#   ./run-sandbox.sh [--port 8089] [--host 127.0.0.1] [--public-base-url URL]
#                    [--redirect-uri URI]... [--credentials-dir DIR] [--auto-approve] [--time-scale N] [--no-seed]
# Options: docs/sandbox.md. Several tenant-host nodes share it: docs/operations.md.
# CALENDLY_SANDBOX_JAR names a built standalone jar to run (the container image sets it); without it
# the jar is built from this checkout first.
set -eu
jar="${CALENDLY_SANDBOX_JAR:-}"
if [ -z "$jar" ]; then
  cd "$(dirname "$0")"
  mvn -q -B -pl examples/calendly-sandbox -am package -DskipTests
  jar=$(ls examples/calendly-sandbox/target/calendly-sandbox-*-standalone.jar)
fi
# shellcheck disable=SC2086 # JAVA_OPTS holds several options
exec java ${JAVA_OPTS:-} -jar "$jar" "$@"

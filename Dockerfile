# syntax=docker/dockerfile:1
# Images built from this repository (docs/operations.md, "Container image and Compose"):
#   docker build -t calbridge/tenant-host .                              tenant-host (the default target)
#   docker build --target calendly-sandbox -t calbridge/calendly-sandbox .   the standalone Calendly sandbox
# compose.yaml builds both: docker compose up --build

# ---- build: the server jar (no embedded PostgreSQL) and the sandbox's standalone jar ----------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# The cache mount keeps downloaded dependencies between builds (BuildKit).
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -ntp -Pserver -pl tenant-host,examples/calendly-sandbox -am package -Dmaven.test.skip=true \
 && mkdir -p /out \
 && cp tenant-host/target/tenant-host.jar /out/tenant-host.jar \
 && cp examples/calendly-sandbox/target/calendly-sandbox-*-standalone.jar /out/calendly-sandbox.jar

# ---- what both runtime images share: a JRE and an unprivileged user --------------------------
FROM eclipse-temurin:17-jre AS runtime
# One fixed uid in both images, so files one container writes into a shared volume (the sandbox's
# credentials, the generated secrets) are readable by the others and by nobody else.
RUN groupadd --system --gid 10001 calbridge \
 && useradd --system --uid 10001 --gid calbridge --home-dir /var/lib/calbridge --no-create-home calbridge \
 && mkdir -p /app /var/lib/calbridge/data /var/lib/calbridge/secrets /var/lib/calbridge/sandbox \
 && chown -R calbridge:calbridge /var/lib/calbridge \
 && chmod 700 /var/lib/calbridge/secrets
WORKDIR /app

# ---- the standalone Calendly sandbox: ./run-sandbox.sh on a prebuilt jar ---------------------
FROM runtime AS calendly-sandbox
COPY --from=build /out/calendly-sandbox.jar /app/calendly-sandbox.jar
COPY --chmod=755 run-sandbox.sh /app/run-sandbox.sh
ENV CALENDLY_SANDBOX_JAR=/app/calendly-sandbox.jar
USER calbridge
EXPOSE 8089
ENTRYPOINT ["/app/run-sandbox.sh"]
CMD ["--host", "0.0.0.0", "--port", "8089"]

# ---- tenant-host (the default target) ---------------------------------------------------------
FROM runtime AS tenant-host
COPY --from=build /out/tenant-host.jar /app/tenant-host.jar
# DATABASE_URL, the master key and the other settings come from the environment (README).
ENV PORT=8080 \
    DATA_DIR=/var/lib/calbridge/data \
    LOG_FORMAT=json
USER calbridge
EXPOSE 8080
# Ready = the database answers and every migration is applied; 503 with the reason otherwise.
HEALTHCHECK --interval=10s --timeout=8s --start-period=90s --retries=3 \
    CMD ["java", "-Xmx16m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", "/app/tenant-host.jar", "io.calbridge.host.HealthProbe", "/health/ready"]
# More JVM options: JAVA_TOOL_OPTIONS.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/tenant-host.jar"]

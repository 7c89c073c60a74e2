# syntax=docker/dockerfile:1

# Build:  docker build -t tollgate .
# Run:    docker run --read-only --tmpfs /tmp -p 8080:8080 -e SPRING_DATASOURCE_URL=... tollgate
# scripts/check-layered-jar.sh replays the extract-and-launch steps below without Docker; keep the two in step.

ARG JAVA_VERSION=25

# ---- build ------------------------------------------------------------------------------------
# The jar is platform independent, so this stage always runs on the builder's own platform: a
# multi-arch release then compiles once instead of running Maven under emulation for each target.
FROM --platform=$BUILDPLATFORM eclipse-temurin:${JAVA_VERSION}-jdk AS build
WORKDIR /workspace

COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY src/ src/
# The cache mount keeps the Maven distribution and the local repository between builds without
# baking them into a layer. Tests need PostgreSQL and run in CI (./mvnw verify); this only packages.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -DskipTests package \
 && cp target/tollgate-*.jar app.jar

# Split the fat jar into Spring Boot's layers, least to most frequently changing, so that a new
# release only ships a new application layer on top of unchanged dependency layers.
# Plain jars (app.jar + lib/) rather than the launcher layout: the JVM's own class loader then loads
# every class, which is what a start-up cache (below) can record.
RUN java -Djarmode=tools -jar app.jar extract --layers --destination extracted

# ---- runtime ----------------------------------------------------------------------------------
FROM eclipse-temurin:${JAVA_VERSION}-jre

ARG JAVA_VERSION
ARG VERSION=0.1.0-SNAPSHOT
ARG REVISION=unknown
LABEL org.opencontainers.image.title="tollgate" \
      org.opencontainers.image.description="Policy gateway between Jira Cloud workflow transitions and CI/CD pipelines" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="docker.io/library/eclipse-temurin:${JAVA_VERSION}-jre"

# A fixed, high UID/GID: Kubernetes' runAsUser and file ownership on mounted volumes can rely on
# it, and it collides with no user of the base image (ubuntu is 1000).
RUN groupadd --system --gid 10001 tollgate \
 && useradd --system --uid 10001 --gid tollgate --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin tollgate

WORKDIR /app
# Owned by root and not writable by the app user: the code cannot be changed at run time even
# when the root filesystem is left writable.
COPY --from=build /workspace/extracted/dependencies/ ./
COPY --from=build /workspace/extracted/spring-boot-loader/ ./
COPY --from=build /workspace/extracted/snapshot-dependencies/ ./
COPY --from=build /workspace/extracted/application/ ./

# Start-up cache (ADR 0009): a training run that stops right after the context refresh, without a
# database, records an AOT cache (Java 25) or a CDS archive (17/21); ready in about half the time.
COPY scripts/train-startup-cache.sh /usr/local/bin/
RUN train-startup-cache.sh /app

# The only place the process writes (embedded Tomcat's work directory, JDK temp files). Run with a
# read-only root filesystem and a tmpfs or emptyDir here.
VOLUME ["/tmp"]

# Size the heap from the container's memory limit rather than the host's, and exit on the first
# OutOfMemoryError so the orchestrator restarts a clean process instead of keeping a broken one.
# Half the limit: the rest of the process (metaspace, JIT code cache, threads, libraries) measured
# about 175 MB under load, so a 512 MiB limit still holds a 256 MB heap (ADR 0015). The collector,
# Serial, is in /app/jvm.options with the start-up cache that was recorded with it.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"

USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["java", "@/app/jvm.options", "-jar", "/app/app.jar"]

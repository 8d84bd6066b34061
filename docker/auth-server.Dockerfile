# Lanyard authorization server. Build from the repository root:
#   docker build -f docker/auth-server.Dockerfile -t lanyard/auth-server .
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
# The class-data-sharing archive is trained below, by the JVM that will use it.
RUN ./mvnw -B -q -DskipTests -Dlanyard.cds.skip=true -pl auth-server -am package

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 lanyard
WORKDIR /app
# The code belongs to root: the server's own user can write only its data directory
# (./data: the development defaults, e-mail links without SMTP), never the code it runs.
COPY --from=build /src/auth-server/target/lanyard-auth-server.jar /tmp/lanyard-auth-server.jar
RUN java -Djarmode=tools -jar /tmp/lanyard-auth-server.jar extract --destination /app \
 && rm /tmp/lanyard-auth-server.jar \
 && mkdir /app/data && chown lanyard /app/data
# Extracted jar plus a class-data-sharing archive written by a training run (the embedded
# PostgreSQL default, started and stopped inside this step, as the server's user: PostgreSQL
# refuses to run as root; see ClassDataSharingTraining): ready in about 60-70 % of the time
# of `java -jar` on the nested jar (bench/startup.sh).
USER lanyard
RUN java -XX:ArchiveClassesAtExit=/tmp/application.jsa -Xlog:cds=off,cds+dynamic=off \
      -Dlanyard.training-run=true -Dlanyard.data-directory=/tmp/training -Dlanyard.shutdown.drain=0s \
      -Dserver.port=0 -Dlogging.level.root=warn -jar /app/lanyard-auth-server.jar \
 && rm -rf /tmp/training /tmp/lanyard-postgres-*
USER root
RUN mv /tmp/application.jsa /app/application.jsa && chown root:root /app/application.jsa \
 && chmod 644 /app/application.jsa
USER lanyard
EXPOSE 9000
# A JVM that cannot use the archive (another build of Java) starts without it and says so.
# Memory (bench/run.sh, README "Performance"): a 256 MiB heap holds a node's live data
# (about 50 MiB) and its bounded caches when full (up to about 110 MiB); the serial collector,
# a 64 MiB code cache and the class-data-sharing archive above keep the resident size near
# the heap plus about 140 MiB, about 395 MiB (without the archive about 430 MiB; G1 with the
# same heap: about 480 MiB), and giving the C library's freed memory
# back to the system every 5 s (TrimNativeHeapInterval, JDK 17.0.9 and later) takes about
# 40 MiB more off after load. Override with JAVA_TOOL_OPTIONS (e.g. a larger
# -Xmx for a single node holding many sessions without Redis).
ENV JAVA_TOOL_OPTIONS="-Xmx256m -XX:+ExitOnOutOfMemoryError -XX:+UseSerialGC -XX:ReservedCodeCacheSize=64m -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000"
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/app/application.jsa", "-jar", "/app/lanyard-auth-server.jar"]

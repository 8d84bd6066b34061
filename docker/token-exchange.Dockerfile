# Lanyard token exchange service (gateway side). Build from the repository root:
#   docker build -f docker/token-exchange.Dockerfile -t lanyard/token-exchange .
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests -pl token-exchange -am package

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 lanyard
USER lanyard
WORKDIR /app
COPY --from=build /src/token-exchange/target/lanyard-token-exchange-exec.jar /app/lanyard-token-exchange.jar
EXPOSE 9100
# The heap takes 60 % of the container's memory: the rest is metaspace, code cache, thread
# stacks and the class archive (measured: resident memory is the heap plus about 160 MiB).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=60", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/lanyard-token-exchange.jar"]

# Lanyard authorization server. Build from the repository root:
#   docker build -f docker/auth-server.Dockerfile -t lanyard/auth-server .
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests -pl auth-server -am package

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 lanyard
USER lanyard
WORKDIR /app
COPY --from=build /src/auth-server/target/lanyard-auth-server.jar /app/lanyard-auth-server.jar
EXPOSE 9000
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/lanyard-auth-server.jar"]

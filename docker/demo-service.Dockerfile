# The demo microservice (uses jwt-client-lib). Build from the repository root:
#   docker build -f docker/demo-service.Dockerfile -t lanyard/demo-service .
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests -pl examples/demo-service -am package

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 lanyard
USER lanyard
WORKDIR /app
COPY --from=build /src/examples/demo-service/target/lanyard-demo-service.jar /app/lanyard-demo-service.jar
EXPOSE 9200
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/lanyard-demo-service.jar"]

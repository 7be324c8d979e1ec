# One image per service:  docker build --build-arg SERVICE=keygen-service -t wgmesh/keygen-service .
# docker-compose.yml builds all four. The build stage does not depend on SERVICE, so Docker builds the
# project once and the four images share that cached stage.

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
# only what the build needs, so local data (wgmesh-data/, secrets/, target/) stays out of the image
COPY mvnw pom.xml ./
COPY .mvn .mvn
COPY wgmesh-common wgmesh-common
COPY wgmesh-service-kafka wgmesh-service-kafka
COPY config-service config-service
COPY keygen-service keygen-service
COPY renderer-service renderer-service
COPY deployer-service deployer-service
# the end-to-end module is not copied (the images do not need it), so it leaves the module list
RUN sed -i -e '/<module>wgmesh-e2e<\/module>/d' -e '/<module>wgmesh-benchmarks<\/module>/d' pom.xml \
 && ./mvnw -B -q -DskipTests package

FROM eclipse-temurin:17-jre
ARG SERVICE
RUN test -n "$SERVICE" || { echo "build with --build-arg SERVICE=<config|keygen|renderer|deployer>-service" >&2; exit 1; } \
 && useradd --system --uid 10001 --home-dir /var/lib/wgmesh --create-home wgmesh \
 && mkdir -p /var/lib/wgmesh/out \
 && chown -R wgmesh /var/lib/wgmesh \
 && chmod 0700 /var/lib/wgmesh/out
# the deployer's command target for real hosts (docker-compose.ssh.yml): host/wgmesh-ssh needs an ssh client
RUN if [ "$SERVICE" = deployer-service ]; then \
      apt-get update && apt-get install -y --no-install-recommends openssh-client && rm -rf /var/lib/apt/lists/*; \
    fi
COPY host/wgmesh-ssh host/wgmesh-apply /opt/wgmesh/host/
COPY --from=build /src/${SERVICE}/target/${SERVICE}-*-exec.jar /app/app.jar
USER wgmesh
WORKDIR /var/lib/wgmesh
# the JVM sizes its heap from the container's memory limit
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
ENTRYPOINT ["java", "-jar", "/app/app.jar"]

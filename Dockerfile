# Perch as one container image: the Spring Boot jar that `./mvnw package` built (run that first), split
# into layers so that a rebuild after a code change reuses the ~70 MB dependency layer, on a JRE base image.
#
#   ./mvnw -B package -DskipTests && docker build -t perch:0.1.0 .
#   docker run -p 127.0.0.1:8080:8080 -v perch-home:/var/lib/perch perch:0.1.0
#
# No secrets are baked in: the API token and database credentials come from the environment at run
# time (docs/deployment.md). BASE_IMAGE may name any JRE 17+ image that has `java` on its PATH and a
# /bin/sh for the extraction step; JAR_FILE the jar when it is not the one ./mvnw package left in target/.
ARG BASE_IMAGE=eclipse-temurin:17-jre

FROM ${BASE_IMAGE} AS layers
ARG JAR_FILE=target/perch-*.jar
WORKDIR /build
COPY ${JAR_FILE} perch-boot.jar
# dependencies/, spring-boot-loader/, snapshot-dependencies/, application/ (least to most often changed);
# each holds a part of /app: lib/*.jar and perch.jar, whose manifest names lib/ on its class path
RUN java -Djarmode=tools -jar perch-boot.jar extract --layers --destination extracted \
        --application-filename perch.jar \
 && mkdir -p home

FROM ${BASE_IMAGE}
WORKDIR /app
COPY --from=layers /build/extracted/dependencies/ ./
COPY --from=layers /build/extracted/spring-boot-loader/ ./
COPY --from=layers /build/extracted/snapshot-dependencies/ ./
COPY --from=layers /build/extracted/application/ ./
# Perch's state (H2 database, workspaces, a generated API token) lives on a volume owned by the runtime user
COPY --from=layers --chown=10001:10001 /build/home /var/lib/perch
ENV PERCH_HOME=/var/lib/perch \
    JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=75
VOLUME ["/var/lib/perch"]
EXPOSE 8080
# a numeric user and group (no passwd entry needed), so Kubernetes' runAsNonRoot can verify it
USER 10001:10001
# exec form: the JVM is PID 1 and gets SIGTERM itself, so `docker stop` shuts Perch down gracefully
ENTRYPOINT ["java", "-jar", "/app/perch.jar"]

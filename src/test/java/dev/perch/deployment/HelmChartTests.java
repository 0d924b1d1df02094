package dev.perch.deployment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.io.ByteArrayResource;
import org.yaml.snakeyaml.Yaml;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;

import dev.perch.shared.web.SseProperties;
import dev.perch.shared.web.TrustedProxiesProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The chart in helm/perch, linted and rendered by the real helm (the helm-java library carries it), with
 * assertions on the manifests a cluster would receive. Nothing is installed: no cluster is needed.
 */
class HelmChartTests {

	private static final Path CHART = Path.of("helm", "perch");

	@Test
	void lintsCleanlyInStrictMode() {
		LintResult result = new Helm(CHART).lint().strict().call();

		assertThat(result.isFailed()).as("%s", result.getMessages()).isFalse();
	}

	@Test
	void probesTheActuatorHealthGroups() {
		Map<String, Object> container = container(render(template()));

		assertThat(at(container, "livenessProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
		assertThat(at(container, "readinessProbe", "httpGet", "path")).isEqualTo("/actuator/health/readiness");
		assertThat(at(container, "startupProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
		assertThat(at(container, "livenessProbe", "httpGet", "port")).isEqualTo("http");
		assertThat(list(container, "ports")).singleElement()
			.satisfies(port -> assertThat(at(port, "containerPort")).isEqualTo(8080));
	}

	@Test
	void hardensThePodByDefault() {
		Manifests manifests = render(template());
		Map<String, Object> pod = map(manifests.one("Deployment"), "spec", "template", "spec");
		Map<String, Object> container = container(manifests);

		assertThat(at(pod, "securityContext", "runAsNonRoot")).isEqualTo(true);
		assertThat(at(pod, "securityContext", "runAsUser")).isEqualTo(10001);
		assertThat(at(pod, "securityContext", "fsGroup")).isEqualTo(10001);
		assertThat(at(pod, "securityContext", "seccompProfile", "type")).isEqualTo("RuntimeDefault");
		assertThat(at(pod, "automountServiceAccountToken")).isEqualTo(false);
		assertThat(at(container, "securityContext", "readOnlyRootFilesystem")).isEqualTo(true);
		assertThat(at(container, "securityContext", "allowPrivilegeEscalation")).isEqualTo(false);
		assertThat(at(container, "securityContext", "capabilities", "drop")).isEqualTo(List.of("ALL"));
		assertThat(at(container, "resources", "limits", "memory")).isEqualTo("1Gi");
		// with a read-only root, PERCH_HOME and /tmp are the writable volumes
		assertThat(mounts(container)).containsEntry("/var/lib/perch", "home").containsEntry("/tmp", "tmp");
		assertThat(volume(pod, "home")).containsKey("persistentVolumeClaim");
		assertThat(volume(pod, "tmp")).containsKey("emptyDir");
		assertThat(manifests.kinds()).contains("PersistentVolumeClaim", "Service", "ConfigMap", "Deployment")
			.doesNotContain("Ingress", "Secret");
	}

	@Test
	void keepsTheHomeInAnEmptyDirWithoutPersistence() {
		Manifests manifests = render(template().set("persistence.enabled", "false"));

		assertThat(volume(map(manifests.one("Deployment"), "spec", "template", "spec"), "home")).containsKey("emptyDir");
		assertThat(manifests.kinds()).doesNotContain("PersistentVolumeClaim");
	}

	@Test
	void leavesTheTokenToPerchWhenNoneIsGiven() {
		Map<String, Object> container = container(render(template()));

		assertThat(env(container)).doesNotContainKey("PERCH_SECURITY_TOKEN").doesNotContainKey("SPRING_R2DBC_URL");
	}

	@Test
	void keepsAGivenTokenInTheChartsSecret() {
		Manifests manifests = render(template().set("auth.token", "s3cr3t-token"));

		Map<String, Object> secret = manifests.one("Secret");
		assertThat(decoded(secret, "api-token")).isEqualTo("s3cr3t-token");
		assertThat(env(container(manifests)).get("PERCH_SECURITY_TOKEN"))
			.isEqualTo(Map.of("secretKeyRef", Map.of("name", "perch", "key", "api-token")));
		assertThat(manifests.text()).as("the token appears only base64-encoded, in the Secret").doesNotContain("s3cr3t-token");
	}

	@Test
	void connectsToPostgresqlWithTheUrlsSpringAndFlywayRead() {
		Manifests manifests = render(template().set("postgresql.enabled", "true")
			.set("postgresql.host", "db.internal")
			.set("postgresql.database", "perchdb")
			.set("postgresql.username", "perchuser")
			.set("postgresql.password", "pg-pass")
			.set("postgresql.parameters", "sslmode=require"));

		Map<String, Object> env = env(container(manifests));
		assertThat(env.get("SPRING_R2DBC_URL")).isEqualTo("r2dbc:postgresql://db.internal:5432/perchdb?sslmode=require");
		assertThat(env.get("SPRING_FLYWAY_URL")).isEqualTo("jdbc:postgresql://db.internal:5432/perchdb?sslmode=require");
		assertThat(env.get("SPRING_R2DBC_USERNAME")).isEqualTo("perchuser");
		assertThat(env.get("SPRING_FLYWAY_USER")).isEqualTo("perchuser");
		Map<String, Object> password = Map.of("secretKeyRef", Map.of("name", "perch", "key", "database-password"));
		assertThat(env.get("SPRING_R2DBC_PASSWORD")).isEqualTo(password);
		assertThat(env.get("SPRING_FLYWAY_PASSWORD")).isEqualTo(password);
		assertThat(decoded(manifests.one("Secret"), "database-password")).isEqualTo("pg-pass");
	}

	@Test
	void usesAnExistingSecretInsteadOfMakingOne() {
		Manifests manifests = render(template().set("existingSecret", "perch-credentials")
			.set("secretKeys.apiToken", "token")
			.set("postgresql.enabled", "true")
			.set("postgresql.host", "db.internal")
			.set("postgresql.password", "ignored"));

		assertThat(manifests.kinds()).doesNotContain("Secret");
		Map<String, Object> env = env(container(manifests));
		assertThat(env.get("PERCH_SECURITY_TOKEN")).isEqualTo(
				Map.of("secretKeyRef", Map.of("name", "perch-credentials", "key", "token", "optional", true)));
		assertThat(env.get("SPRING_R2DBC_PASSWORD"))
			.isEqualTo(Map.of("secretKeyRef", Map.of("name", "perch-credentials", "key", "database-password")));
		assertThat(manifests.text()).doesNotContain("ignored");
	}

	@Test
	void refusesPostgresqlWithoutAHost() {
		assertThatThrownBy(() -> template().set("postgresql.enabled", "true").call())
			.hasMessageContaining("postgresql.host is required");
	}

	@Test
	void addsSseSafeIngressAnnotationsOnlyWhenTheIngressIsEnabled() {
		Manifests manifests = render(template().set("ingress.enabled", "true")
			.set("ingress.hosts[0].host", "perch.example.org")
			.set("ingress.hosts[0].paths[0].path", "/")
			.set("ingress.hosts[0].paths[0].pathType", "Prefix")
			.set("ingress.tls[0].secretName", "perch-tls")
			.set("ingress.tls[0].hosts[0]", "perch.example.org"));

		Map<String, Object> ingress = manifests.one("Ingress");
		Map<String, Object> annotations = map(ingress, "metadata", "annotations");
		assertThat(annotations).containsEntry("nginx.ingress.kubernetes.io/proxy-buffering", "off")
			.containsEntry("nginx.ingress.kubernetes.io/proxy-read-timeout", "900")
			.containsEntry("nginx.ingress.kubernetes.io/proxy-send-timeout", "900")
			.containsEntry("nginx.ingress.kubernetes.io/proxy-body-size", "16m");
		assertThat(at(ingress, "spec", "ingressClassName")).isEqualTo("nginx");
		Map<String, Object> rule = HelmChartTests.<Map<String, Object>>list(ingress, "spec", "rules").get(0);
		assertThat(rule.get("host")).isEqualTo("perch.example.org");
		assertThat(list(rule, "http", "paths")).singleElement()
			.satisfies(p -> assertThat(at(p, "backend", "service", "name")).isEqualTo("perch"));

		assertThat(render(template()).kinds()).doesNotContain("Ingress");
		assertThat(render(template().set("ingress.enabled", "true").set("ingress.nginxSseAnnotations", "false"))
			.one("Ingress")).extracting(i -> at(i, "metadata", "annotations")).isNull();
	}

	@Test
	void writesPerchSettingsIntoTheConfigMapPerchReads() {
		Manifests manifests = render(template().set("config.sse.heartbeat", "5s")
			.set("config.web.trusted-proxies[0]", "10.0.0.0/8")
			.set("config.workspaces.exec.max-timeout", "20m"));

		String application = (String) at(manifests.one("ConfigMap"), "data", "application.yaml");
		Map<String, Object> perch = map(new Yaml().load(application), "perch");
		assertThat(at(perch, "sse", "heartbeat")).isEqualTo("5s");
		assertThat(at(perch, "web", "trusted-proxies")).isEqualTo(List.of("10.0.0.0/8"));
		assertThat(at(perch, "workspaces", "exec", "max-timeout")).isEqualTo("20m");
		Map<String, Object> container = container(manifests);
		assertThat(env(container).get("SPRING_CONFIG_ADDITIONAL_LOCATION")).isEqualTo("optional:file:/etc/perch/");
		assertThat(mounts(container)).containsEntry("/etc/perch", "config");
	}

	@Test
	void defaultSettingsBindAsPerchReadsThem() throws IOException {
		String application = (String) at(render(template()).one("ConfigMap"), "data", "application.yaml");
		var sources = new YamlPropertySourceLoader().load("application.yaml",
				new ByteArrayResource(application.getBytes(StandardCharsets.UTF_8)));
		Binder binder = new Binder(ConfigurationPropertySources.from(sources));

		assertThat(binder.bindOrCreate("perch.web", TrustedProxiesProperties.class).trustedProxies())
			.as("the chart trusts no proxy until told which").isEmpty();
		assertThat(binder.bindOrCreate("perch.sse", SseProperties.class).heartbeat()).isEqualTo(Duration.ofSeconds(15));
	}

	@Test
	void rollsThePodsWhenTheConfigurationChanges() {
		Object before = at(render(template()).one("Deployment"), "spec", "template", "metadata", "annotations",
				"checksum/config");
		Object after = at(render(template().set("config.sse.heartbeat", "5s")).one("Deployment"), "spec", "template",
				"metadata", "annotations", "checksum/config");

		assertThat(after).isNotNull().isNotEqualTo(before);
	}

	/**
	 * helm-java's template leaves hooks out of its output (as a release's manifest does), so the test pod is
	 * rendered from a copy of the chart whose hook annotation is renamed: the same template, rendered as a
	 * plain manifest.
	 */
	@Test
	void testsReadinessThroughTheService(@TempDir Path copy) throws IOException {
		Path chart = copyOfChart(copy);
		Path test = chart.resolve("templates/tests/test-readiness.yaml");
		String original = Files.readString(test);
		assertThat(original).contains("\"helm.sh/hook\": test");
		Files.writeString(test, original.replace("\"helm.sh/hook\"", "\"rendered.for.test/hook\""));

		Map<String, Object> pod = new Manifests(new Helm(chart).template().withName("perch").withKubeVersion("1.30.0")
			.set("service.port", "9000").call()).one("Pod");

		assertThat(at(pod, "metadata", "annotations", "rendered.for.test/hook")).isEqualTo("test");
		List<String> command = list(pod, "spec", "containers", 0, "command");
		assertThat(String.join(" ", command)).contains("http://perch:9000/actuator/health/readiness")
			.contains("\"status\":\"UP\"");
		assertThat(at(pod, "spec", "securityContext", "runAsNonRoot")).isEqualTo(true);
		assertThat(at(pod, "spec", "containers", 0, "securityContext", "readOnlyRootFilesystem")).isEqualTo(true);
	}

	private static Path copyOfChart(Path target) throws IOException {
		try (Stream<Path> files = Files.walk(CHART)) {
			for (Path file : files.toList()) {
				Path destination = target.resolve(CHART.relativize(file).toString());
				if (Files.isDirectory(file)) {
					Files.createDirectories(destination);
				}
				else {
					Files.copy(file, destination);
				}
			}
		}
		return target;
	}

	@Test
	void schemaRejectsBadValues() {
		Map<String, String> bad = Map.of("service.port", "70000", "image.pullPolicy", "Sometimes", "replicas", "2",
				"persistence.size", "lots", "config.sse.heartbeat", "soon", "ingress.hosts[0].paths[0].pathType", "Glob",
				"config.web.trusted-proxies[0]", "proxy.example.com");
		bad.forEach((key, value) -> assertThatThrownBy(() -> template().set(key, value).call()).as("%s=%s", key, value)
			.hasMessageContaining("values don't meet the specifications of the schema"));
	}

	private static TemplateCommand template() {
		return new Helm(CHART).template().withName("perch").withNamespace("agents").withKubeVersion("1.30.0");
	}

	private static Manifests render(TemplateCommand command) {
		return new Manifests(command.call());
	}

	private static Map<String, Object> container(Manifests manifests) {
		return map(manifests.one("Deployment"), "spec", "template", "spec", "containers", 0);
	}

	private static Map<String, Object> env(Map<String, Object> container) {
		Map<String, Object> env = new java.util.LinkedHashMap<>();
		List<Map<String, Object>> entries = list(container, "env");
		entries.forEach(entry -> env.put((String) entry.get("name"),
				entry.containsKey("value") ? entry.get("value") : entry.get("valueFrom")));
		return env;
	}

	private static Map<String, String> mounts(Map<String, Object> container) {
		Map<String, String> mounts = new java.util.LinkedHashMap<>();
		List<Map<String, Object>> entries = list(container, "volumeMounts");
		entries.forEach(mount -> {
			assertThat(mount.get("readOnly")).as("writable unless config").isEqualTo(
					"config".equals(mount.get("name")) ? Boolean.TRUE : null);
			mounts.put((String) mount.get("mountPath"), (String) mount.get("name"));
		});
		return mounts;
	}

	private static Map<String, Object> volume(Map<String, Object> pod, String name) {
		List<Map<String, Object>> volumes = list(pod, "volumes");
		return volumes.stream().filter(volume -> name.equals(volume.get("name"))).findFirst().orElseThrow();
	}

	private static String decoded(Map<String, Object> secret, String key) {
		return new String(Base64.getDecoder().decode((String) at(secret, "data", key)), StandardCharsets.UTF_8);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object node, Object... steps) {
		return (Map<String, Object>) at(node, steps);
	}

	@SuppressWarnings("unchecked")
	private static <T> List<T> list(Object node, Object... steps) {
		return (List<T>) at(node, steps);
	}

	/** Walks maps by key and lists by index; null where something on the way is missing. */
	private static Object at(Object node, Object... steps) {
		Object current = node;
		for (Object step : steps) {
			if (current instanceof Map<?, ?> map) {
				current = map.get(step);
			}
			else if (current instanceof List<?> list && step instanceof Integer index && index < list.size()) {
				current = list.get(index);
			}
			else {
				return null;
			}
		}
		return current;
	}

	/** The documents helm rendered. */
	private record Manifests(String text, List<Map<String, Object>> documents) {

		@SuppressWarnings("unchecked")
		Manifests(String text) {
			this(text, new ArrayList<>());
			for (Object document : new Yaml().loadAll(text)) {
				if (document != null) {
					documents.add((Map<String, Object>) document);
				}
			}
		}

		List<String> kinds() {
			return documents.stream().map(document -> (String) document.get("kind")).filter(Objects::nonNull).toList();
		}

		Map<String, Object> one(String kind) {
			List<Map<String, Object>> found = documents.stream().filter(document -> kind.equals(document.get("kind")))
				.toList();
			assertThat(found).as("one %s in:%n%s", kind, text).hasSize(1);
			return found.get(0);
		}

	}

}

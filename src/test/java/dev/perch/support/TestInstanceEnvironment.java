package dev.perch.support;

import java.util.Map;
import java.util.UUID;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives every test application context one random id ({@code perch.test.instance}), so its H2 database
 * (shared by R2DBC and Flyway) and its home directory are its own.
 */
public class TestInstanceEnvironment implements EnvironmentPostProcessor {

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		environment.getPropertySources()
			.addLast(new MapPropertySource("perchTestInstance", Map.of("perch.test.instance", UUID.randomUUID().toString())));
	}

}

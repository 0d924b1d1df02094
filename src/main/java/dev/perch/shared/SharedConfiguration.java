package dev.perch.shared;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Beans every module shares. */
@Configuration(proxyBeanMethods = false)
class SharedConfiguration {

	/** The one clock of the application (UTC), replaced in tests that need fixed time. */
	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

}

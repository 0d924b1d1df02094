package dev.perch;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Dependencies between modules point one way (DESIGN.md): {@code workspace ← session ← chat → opencode},
 * {@code chat → usage}, {@code usage → workspace}, everything → {@code shared}; a module's base package
 * is its API and its sub-packages are internal ({@code shared}'s sub-packages are its API).
 */
class ModularityTests {

	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		// the wiring spring-boot:process-aot generates (Foo__BeanDefinitions...) references every module by design
		.withImportOption(location -> !location.contains("__"))
		.importPackages("dev.perch");

	/** Each module and the modules it may use (besides shared, which every module may use). */
	private static final Map<String, Set<String>> ALLOWED = Map.of(
			"shared", Set.of(),
			"config", Set.of(),
			"workspace", Set.of(),
			"usage", Set.of("workspace"),
			"session", Set.of("workspace", "usage"),
			"opencode", Set.of("workspace"),
			"chat", Set.of("opencode", "workspace", "session", "usage"));

	@Test
	void modulesDependOnlyOnTheModulesTheyMay() {
		ALLOWED.forEach((module, allowed) -> {
			List<String> forbidden = ALLOWED.keySet().stream()
				.filter(other -> !other.equals(module) && !other.equals("shared") && !allowed.contains(other))
				.map(other -> "dev.perch." + other + "..")
				.toList();
			noClasses().that().resideInAPackage("dev.perch." + module + "..")
				.should().dependOnClassesThat().resideInAnyPackage(forbidden.toArray(String[]::new))
				.allowEmptyShould(true)
				.because(module + " may use only " + allowed + " and shared")
				.check(CLASSES);
		});
	}

	@Test
	void sharedUsesNoModule() {
		noClasses().that().resideInAPackage("dev.perch.shared..")
			.should().dependOnClassesThat().resideInAnyPackage(ALLOWED.keySet().stream()
				.filter(module -> !module.equals("shared")).map(module -> "dev.perch." + module + "..").toArray(String[]::new))
			.check(CLASSES);
	}

	@Test
	void subPackagesAreInternalToTheirModule() {
		ALLOWED.keySet().stream().filter(module -> !module.equals("shared")).forEach(module ->
			noClasses().that().resideOutsideOfPackage("dev.perch." + module + "..")
				.should().dependOnClassesThat().resideInAPackage("dev.perch." + module + ".*..")
				.allowEmptyShould(true)
				.because("the sub-packages of " + module + " are its internals")
				.check(CLASSES));
	}

	@Test
	void modulesAreFreeOfCycles() {
		slices().matching("dev.perch.(*)..").should().beFreeOfCycles().check(CLASSES);
	}

}

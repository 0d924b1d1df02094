package dev.perch.opencode;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** chat → opencode → workspace, never back; OpenCode's wire shapes stay inside the adapter. */
class OpenCodeArchitectureTests {

	private static final JavaClasses classes = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		// the wiring spring-boot:process-aot generates (Foo__BeanDefinitions...) references every module by design
		.withImportOption(location -> !location.contains("__"))
		.importPackages("dev.perch");

	@Test
	void theAdapterNeverDependsOnTheChatApi() {
		noClasses().that().resideInAPackage("dev.perch.opencode..")
			.should().dependOnClassesThat().resideInAPackage("dev.perch.chat..")
			.check(classes);
	}

	@Test
	void wireShapesAreInternalToTheAdapter() {
		noClasses().that().resideOutsideOfPackage("dev.perch.opencode..")
			.should().dependOnClassesThat().resideInAPackage("dev.perch.opencode.wire..")
			.check(classes);
	}

	@Test
	void workspacesKnowNothingOfOpenCodeOrChat() {
		noClasses().that().resideInAPackage("dev.perch.workspace..")
			.should().dependOnClassesThat().resideInAnyPackage("dev.perch.opencode..", "dev.perch.chat..")
			.check(classes);
	}

}

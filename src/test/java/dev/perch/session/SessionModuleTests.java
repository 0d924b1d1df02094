package dev.perch.session;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

class SessionModuleTests {

	private final JavaClasses perch = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.perch");

	@Test
	void dependsOnlyOnWorkspaceAndShared() {
		noClasses().that().resideInAPackage("dev.perch.session..")
			.should().dependOnClassesThat().resideInAnyPackage("dev.perch.chat..", "dev.perch.opencode..",
					"dev.perch.usage..", "dev.perch.config..", "dev.perch.workspace.runtime..")
			.check(perch);
	}

	@Test
	void keepsItsReadersInternal() {
		classes().that().resideInAPackage("dev.perch.session.agent..")
			.should().onlyBeAccessed().byClassesThat().resideInAPackage("dev.perch.session..")
			.check(perch);
	}

}

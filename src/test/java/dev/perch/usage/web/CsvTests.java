package dev.perch.usage.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CsvTests {

	@Test
	void quotesSeparatorsAndQuotes() {
		assertThat(Csv.escape("a,b")).isEqualTo("\"a,b\"");
		assertThat(Csv.escape("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
		assertThat(Csv.escape("plain-model")).isEqualTo("plain-model");
	}

	@Test
	void defusesValuesASpreadsheetWouldRunAsFormulas() {
		assertThat(Csv.escape("=HYPERLINK(\"x\")")).startsWith("\"'=HYPERLINK");
		assertThat(Csv.escape("@SUM(A1)")).isEqualTo("'@SUM(A1)");
	}

}

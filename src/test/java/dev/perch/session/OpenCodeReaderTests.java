package dev.perch.session;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.perch.session.agent.opencode.OpenCodeReader;
import dev.perch.session.internal.SessionSource;
import dev.perch.session.internal.SessionSummary;

import static dev.perch.session.SessionFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenCodeReaderTests {

	@TempDir
	Path temp;

	private Path home;

	private final OpenCodeReader reader = opencode();

	@BeforeEach
	void copyFixtures() {
		home = home(temp.resolve("home"));
	}

	private SessionSource source(String id) throws IOException {
		return reader.sources(home).stream().filter(source -> source.id().equals(id)).findFirst().orElseThrow();
	}

	@Test
	void readsSessionsFromTheSqliteStorageInTheHome() throws IOException {
		Map<String, SessionSummary> summaries = reader.summarize(home, reader.sources(home)).stream()
			.collect(Collectors.toMap(summary -> summary.source().id(), summary -> summary));
		assertThat(summaries).containsOnlyKeys(OPENCODE_ALPHA, OPENCODE_SECOND);
		SessionSummary alpha = summaries.get(OPENCODE_ALPHA);
		assertThat(alpha.title()).isEqualTo("Alpha work");
		assertThat(alpha.firstPrompt()).isEqualTo("Say hi [[fake:reply=pong;prompt_tokens=7]]");
		assertThat(alpha.projectDirectory()).isEqualTo("/tmp/oc-sess/project");
		assertThat(alpha.messageCount()).isEqualTo(5);
		assertThat(alpha.models()).containsExactly("fake-model");
		assertThat(alpha.parseErrors()).isZero();
		assertThat(summaries.get(OPENCODE_SECOND).firstPrompt()).isEqualTo("Second session question");
	}

	@Test
	void normalisesPartsAndPagesFromTheTail() throws IOException {
		List<SessionMessage> all = reader.messages(home, source(OPENCODE_ALPHA), 100, null).items();
		assertThat(all).extracting(SessionMessage::role).containsExactly("user", "assistant", "user", "assistant", "assistant");
		SessionMessage toolStep = all.get(3);
		assertThat(toolStep.parts()).extracting(MessagePart::type).containsExactly("tool_call", "tool_result");
		assertThat(toolStep.parts().get(0).tool()).isEqualTo("read");
		assertThat(toolStep.parts().get(1).text()).contains("hello");
		assertThat(toolStep.usage()).isEqualTo(new MessageUsage(100, 20, 0, 0, 0, 0.00014));
		List<SessionMessage> paged = new ArrayList<>();
		String before = null;
		do {
			MessagePage page = reader.messages(home, source(OPENCODE_ALPHA), 2, before);
			paged.addAll(0, page.items());
			before = page.before();
		}
		while (before != null);
		assertThat(paged).isEqualTo(all);
		assertThatThrownBy(() -> reader.messages(home, source(OPENCODE_ALPHA), 2, "1:x'; DROP TABLE session; --"))
			.isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void usageIsOneEntryPerAssistantMessageWithItsCost() throws IOException {
		List<UsageEntry> usage = reader.usage(home, "ws");
		assertThat(usage).hasSize(4).allSatisfy(entry -> {
			assertThat(entry.model()).isEqualTo("fake-model");
			assertThat(entry.provider()).isEqualTo("fake");
			assertThat(entry.input()).isEqualTo(100);
			assertThat(entry.output()).isEqualTo(20);
			assertThat(entry.cost()).isEqualTo(0.00014);
			assertThat(entry.dedupeKey()).startsWith("opencode:msg_");
		});
		assertThat(usage).filteredOn(entry -> entry.sessionId().equals(OPENCODE_ALPHA)).hasSize(3);
	}

	@Test
	void searchAndDeleteGoThroughTheStorage() throws IOException {
		assertThat(reader.search(home, source(OPENCODE_ALPHA), "hello from the fake")).isPresent();
		assertThat(reader.search(home, source(OPENCODE_SECOND), "read the notes")).isEmpty();
		reader.delete(home, source(OPENCODE_SECOND));
		assertThat(reader.sources(home)).extracting(SessionSource::id).containsExactly(OPENCODE_ALPHA);
		assertThat(reader.usage(home, "ws")).hasSize(3);
	}

	@Test
	void aHomeWithoutOpenCodeHasNoSessions() throws IOException {
		assertThat(reader.sources(temp.resolve("empty"))).isEmpty();
		assertThat(reader.isValidId(OPENCODE_ALPHA)).isTrue();
		assertThat(reader.isValidId("ses_../../x")).isFalse();
	}

}

package dev.perch.opencode;

import org.junit.jupiter.api.Test;

import dev.perch.opencode.OpenCodeEvent.AssistantMessage;
import dev.perch.opencode.wire.EventReader;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** Lines as opencode 1.18.33 really sends them on /global/event (captured), and garbage. */
class EventReaderTests {

	private final EventReader reader = new EventReader(JsonMapper.builder().build());

	@Test
	void readsAFinishedAssistantMessageWithTokensAndCost() {
		String line = """
				{"directory":"/tmp/p","project":"global","payload":{"id":"evt_1","type":"message.updated","properties":{"sessionID":"ses_a1b2c3d4e5f6g7","info":{"id":"msg_1","parentID":"msg_0","role":"assistant","cost":0.00014,"tokens":{"total":120,"input":100,"output":20,"reasoning":2,"cache":{"write":4,"read":3}},"modelID":"fake-model","providerID":"fake","time":{"created":1000,"completed":1600},"sessionID":"ses_a1b2c3d4e5f6g7","finish":"stop"}}}}""";

		assertThat(reader.read(line)).get().isInstanceOfSatisfying(AssistantMessage.class, message -> {
			assertThat(message.messageId()).isEqualTo("msg_1");
			assertThat(message.tokens()).isEqualTo(new OpenCodeEvent.Tokens(100, 20, 2, 3, 4));
			assertThat(message.cost()).isEqualTo(0.00014);
			assertThat(message.completedAt()).isEqualTo(1600L);
			assertThat(message.errorName()).isNull();
		});
	}

	@Test
	void readsTheErrorOfAnAbortedMessage() {
		String line = """
				{"payload":{"type":"message.updated","properties":{"sessionID":"ses_a1b2c3d4e5f6g7","info":{"id":"msg_2","role":"assistant","sessionID":"ses_a1b2c3d4e5f6g7","time":{"created":1,"completed":2},"error":{"name":"MessageAbortedError","data":{"message":"Aborted"}}}}}}""";

		assertThat(reader.read(line)).get().isInstanceOfSatisfying(AssistantMessage.class,
				message -> assertThat(message.errorName()).isEqualTo("MessageAbortedError"));
	}

	@Test
	void readsStatusIdleErrorAndTheDirectoryScopedForm() {
		assertThat(reader.read("{\"payload\":{\"type\":\"session.status\",\"properties\":{\"sessionID\":\"ses_a1b2c3d4e5f6g7\",\"status\":{\"type\":\"busy\"}}}}"))
			.contains(new OpenCodeEvent.Status("ses_a1b2c3d4e5f6g7", true));
		assertThat(reader.read("{\"type\":\"session.idle\",\"properties\":{\"sessionID\":\"ses_a1b2c3d4e5f6g7\"}}"))
			.contains(new OpenCodeEvent.Status("ses_a1b2c3d4e5f6g7", false));
		assertThat(reader.read("{\"type\":\"session.error\",\"properties\":{\"sessionID\":\"ses_a1b2c3d4e5f6g7\",\"error\":{\"name\":\"APIError\",\"data\":{\"message\":\"boom\"}}}}"))
			.contains(new OpenCodeEvent.SessionError("ses_a1b2c3d4e5f6g7", "APIError", "boom"));
	}

	@Test
	void readsATextDeltaWhateverTheOrderOfItsMembers() {
		OpenCodeEvent.Delta expected = new OpenCodeEvent.Delta("ses_a1b2c3d4e5f6g7", "msg_1", "prt_1", "text", "héllo \"x\"\n");
		assertThat(reader.read("""
				{"directory":"/tmp/p","payload":{"id":"evt_1","type":"message.part.delta","properties":{"sessionID":"ses_a1b2c3d4e5f6g7","messageID":"msg_1","partID":"prt_1","field":"text","delta":"héllo \\"x\\"\\n"}}}"""))
			.contains(expected);
		// properties before type, the directory after the payload, members Perch does not know (objects too)
		assertThat(reader.read("""
				{"payload":{"properties":{"extra":{"a":[1,{"b":2}]},"delta":"héllo \\"x\\"\\n","field":"text","partID":"prt_1","messageID":"msg_1","sessionID":"ses_a1b2c3d4e5f6g7"},"type":"message.part.delta"},"directory":"/tmp/p"}"""))
			.contains(expected);
		assertThat(reader.read("{\"type\":\"message.part.delta\",\"properties\":{\"sessionID\":\"ses_a1b2c3d4e5f6g7\",\"messageID\":\"msg_1\",\"partID\":\"prt_1\",\"field\":\"text\",\"delta\":\"héllo \\\"x\\\"\\n\"}}"))
			.as("the directory-scoped form").contains(expected);
		assertThat(reader.read("{\"payload\":{\"type\":\"message.part.delta\",\"properties\":{\"delta\":\"x\"}}}")).as("no session").isEmpty();
	}

	@Test
	void readsAStatusWhoseTypeComesLast() {
		assertThat(reader.read("{\"payload\":{\"properties\":{\"status\":{\"attempt\":{\"n\":1},\"type\":\"idle\"},\"sessionID\":\"ses_a1b2c3d4e5f6g7\"},\"type\":\"session.status\"}}"))
			.contains(new OpenCodeEvent.Status("ses_a1b2c3d4e5f6g7", false));
		assertThat(reader.read("{\"payload\":{\"type\":\"server.heartbeat\",\"properties\":{}}}")).contains(new OpenCodeEvent.Heartbeat());
	}

	@Test
	void skipsUserMessagesSyncEchoesAndGarbage() {
		assertThat(reader.read("{\"payload\":{\"type\":\"message.updated\",\"properties\":{\"sessionID\":\"ses_x\",\"info\":{\"id\":\"msg_u\",\"role\":\"user\",\"sessionID\":\"ses_x\"}}}}")).isEmpty();
		assertThat(reader.read("{\"payload\":{\"type\":\"sync\",\"syncEvent\":{}}}")).isEmpty();
		assertThat(reader.read("{not json")).isEmpty();
		assertThat(reader.read("42")).isEmpty();
		assertThat(reader.read("")).isEmpty();
		assertThat(reader.read("{\"payload\":{\"type\":\"message.part.delta\",\"properties\":{\"sessionID\":")).as("cut short").isEmpty();
		assertThat(reader.read("{\"payload\":{\"type\":\"session.updated\",\"properties\":{\"info\":{\"id\":\"ses_x\",\"role\":\"assistant\"}}}}")).isEmpty();
	}

}

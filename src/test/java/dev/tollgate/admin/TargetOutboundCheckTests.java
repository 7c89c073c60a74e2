package dev.tollgate.admin;

import java.net.http.HttpResponse;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import dev.tollgate.support.IntegrationTest;

import static dev.tollgate.support.ApiClient.body;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A target's baseUrl is checked against the outbound policy when it is saved (through the
 * resource and through policy-as-code), with this context's production defaults: https
 * only, no loopback. Names are resolved and checked again at connect time
 * (OutboundPolicyTests).
 */
class TargetOutboundCheckTests extends IntegrationTest {

	@ParameterizedTest
	@ValueSource(strings = { "https://169.254.169.254", "https://metadata.google.internal", "https://[fd00:ec2::254]",
			"https://100.100.100.200", "https://169.254.10.1", "https://[fe80::1]", "https://127.0.0.1:8443",
			"https://[::1]", "http://ci.acme.io", "https://[fe80::1%25eth0]", "https://[2001:db8::1%25nosuchif]",
			"https://[2001:db8::1%2]" })
	void aTargetAimedWhereCredentialsMustNotGoIsNotSaved(String baseUrl) {
		String name = "jk-" + UUID.randomUUID().toString().substring(0, 8);
		HttpResponse<String> response = api().post("/api/v1/targets", jenkins(name, baseUrl));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
		JsonNode error = body(response).get("errors").get(0);
		assertThat(error.get("field").asString()).isEqualTo("baseUrl");
		assertThat(error.get("message").asString()).contains("refused");
		assertThat(api().get("/api/v1/targets/" + name).statusCode()).isEqualTo(404);
	}

	@Test
	void anUpdateCannotReAimASavedTarget() {
		String name = "jk-" + UUID.randomUUID().toString().substring(0, 8);
		assertThat(api().post("/api/v1/targets", jenkins(name, "https://ci.acme.io")).statusCode()).isEqualTo(201);
		HttpResponse<String> response = api().put("/api/v1/targets/" + name, jenkins(name, "https://169.254.169.254"));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
	}

	@Test
	void aPolicyDocumentWithSuchATargetIsRejectedWhole() {
		String document = """
				{"roles":[],"bindings":[],"rules":[],"targets":[%s]}"""
			.formatted(jenkins("meta", "https://metadata.google.internal/"));
		HttpResponse<String> response = api().put("/api/v1/policy?dryRun=true", document);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
		assertThat(body(response).get("errors").get(0).get("field").asString()).isEqualTo("targets[0].baseUrl");
	}

	@Test
	void anOrdinaryHttpsTargetIsSaved() {
		String name = "jk-" + UUID.randomUUID().toString().substring(0, 8);
		HttpResponse<String> response = api().post("/api/v1/targets", jenkins(name, "https://10.20.30.40/jenkins"));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
	}

	private static String jenkins(String name, String baseUrl) {
		return """
				{"name":"%s","kind":"JENKINS","baseUrl":"%s","job":"team/deploy","credentialRef":"file:/run/secrets/jenkins"}"""
			.formatted(name, baseUrl);
	}

}

package dev.tollgate.pipeline.jenkins;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.tollgate.pipeline.GateAsk;
import dev.tollgate.pipeline.StatusCallback;
import dev.tollgate.pipeline.support.CallbackFields;
import dev.tollgate.pipeline.support.TriggerFailure;
import dev.tollgate.policy.Target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** How a WAITING notification is read, and which build URLs are answered. */
class JenkinsGatesTests {

	private static final Target TARGET = new Target("jenkins-deploy", Target.Kind.JENKINS,
			"https://ci.acme.io/jenkins/", null, null, null, "team/deploy", null, "file:/run/secrets/jenkins", null,
			null, null, null, null, null);

	@Test
	void aWaitingNotificationIsAQuestionAboutTheBuild() {
		UUID decision = UUID.randomUUID();
		GateAsk ask = read("""
				{"phase":"WAITING","inputId":"Tollgate","environment":"production","job":"team/deploy",
				 "url":"https://ci.acme.io/jenkins/job/team/job/deploy/35/","number":35,"decisionId":"%s",
				 "issueKey":"OPS-12"}""".formatted(decision));
		assertThat(ask.provider()).isEqualTo(Target.Kind.JENKINS);
		assertThat(ask.scope()).as("the target's run scope").isEqualTo("team/deploy");
		assertThat(ask.subject()).isEqualTo("https://ci.acme.io/jenkins/job/team/job/deploy/35/");
		assertThat(ask.runUrl()).isEqualTo(ask.subject());
		assertThat(ask.environment()).isEqualTo("production");
		assertThat(ask.runId()).isEqualTo("35");
		assertThat(ask.decisionId()).isEqualTo(decision);
		assertThat(ask.issueKey()).isEqualTo("OPS-12");
		assertThat(ask.answer()).containsEntry("buildUrl", ask.subject()).containsEntry("inputId", "Tollgate");
		assertThat(JenkinsGates.buildPath(TARGET, ask)).isEqualTo("/job/team/job/deploy/35/");
	}

	@Test
	void theInputIdIsSpelledAsJenkinsSpellsItAndNamesTheEnvironmentWhenNoneIsSent() {
		GateAsk ask = read("""
				{"phase":"WAITING","inputId":"tollgate","url":"https://ci.acme.io/jenkins/job/team/job/deploy/7",
				 "decisionId":"","issueKey":"feature/OPS-9-faster-checkout"}""");
		assertThat(ask.answer()).containsEntry("inputId", "Tollgate");
		assertThat(ask.environment()).isEqualTo("Tollgate");
		assertThat(ask.runId()).as("the number read from the build URL").isEqualTo("7");
		assertThat(ask.subject()).endsWith("/7/");
		assertThat(ask.decisionId()).isNull();
		assertThat(ask.issueKey()).as("not a key: only searched with the gate's pattern").isNull();
		assertThat(ask.texts()).containsExactly("feature/OPS-9-faster-checkout");
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"phase\":\"WAITING\",\"number\":3}",
			"{\"phase\":\"WAITING\",\"url\":\"https://ci.acme.io/jenkins/job/team/job/deploy/3/\",\"inputId\":\"../x\"}",
			"{\"phase\":\"WAITING\",\"url\":\"https://ci.acme.io/jenkins/job/team/job/deploy/3/\",\"number\":\"3; rm\"}" })
	void aNotificationThatCannotBeAnsweredIsMalformed(String body) {
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> read(body));
	}

	@ParameterizedTest
	@ValueSource(strings = { "https://evil.example/jenkins/job/team/job/deploy/35/",
			"http://ci.acme.io/jenkins/job/team/job/deploy/35/",
			"https://ci.acme.io:8443/jenkins/job/team/job/deploy/35/",
			"https://ci.acme.io/jenkins-x/job/team/job/deploy/35/", "https://ci.acme.io/job/team/job/deploy/35/",
			"https://me@ci.acme.io/jenkins/job/team/job/deploy/35/",
			"https://ci.acme.io/jenkins/job/team/job/deploy/35/?a=b",
			"https://ci.acme.io/jenkins/job/team/job/deploy/35/#x",
			"https://ci.acme.io/jenkins/job/team/job/deploy/35/../../other/35/",
			"https://ci.acme.io/jenkins/job/team/job/deploy/35/%2e%2e/",
			"https://ci.acme.io/jenkins/job/team/job/other/35/",
			"https://ci.acme.io/jenkins/job/team/job/deploy/job/x/35/",
			"https://ci.acme.io/jenkins/job/team/job/deploy/36/", "https://ci.acme.io/jenkins/job/team/job/deploy/" })
	void onlyTheNamedBuildOfTheTargetsJobUnderItsBaseUrlIsAnswered(String url) {
		GateAsk ask = new GateAsk(Target.Kind.JENKINS, null, "team/deploy", url, "production", "35", url, null, null,
				null, java.util.Map.of("buildUrl", url, "inputId", "Tollgate"));
		assertThatExceptionOfType(TriggerFailure.class).isThrownBy(() -> JenkinsGates.buildPath(TARGET, ask))
			.satisfies((ex) -> assertThat(ex.permanent()).isTrue());
		assertThat(new JenkinsGates(null).refusal(TARGET, ask)).startsWith("the build URL");
	}

	@Test
	void hostAndSchemeAreComparedAsUrlsAre() {
		String url = "HTTPS://CI.ACME.IO:443/jenkins/job/team/job/deploy/35/";
		GateAsk ask = new GateAsk(Target.Kind.JENKINS, null, "team/deploy", url, "production", "35", url, null, null,
				null, java.util.Map.of("buildUrl", url, "inputId", "Tollgate"));
		assertThat(new JenkinsGates(null).refusal(TARGET, ask)).isNull();
	}

	private static GateAsk read(String body) {
		StatusCallback callback = JenkinsGates.read(CallbackFields.parse(body.getBytes(StandardCharsets.UTF_8)));
		assertThat(callback).isInstanceOf(StatusCallback.Waiting.class);
		return ((StatusCallback.Waiting) callback).ask();
	}

}

package dev.tollgate.pipeline.support;

import dev.tollgate.pipeline.TriggerRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the {@code {{…}}} template variables (listed in docs/pipelines.md) into a
 * target's inputs, variables or parameters. Values are plain data handed to the CI
 * system's API as such, never spliced into a URL or a shell. Unknown variables cannot
 * occur: targets are checked when they are saved.
 */
public final class Templates {

	private static final Pattern VARIABLE = Pattern.compile("\\{\\{\\s*([^}]*?)\\s*}}");

	/**
	 * The name every target receives the decision id under, so a pipeline can spot a
	 * repeat.
	 */
	public static final String DECISION_ID = "TOLLGATE_DECISION_ID";

	private Templates() {
	}

	public static Map<String, String> render(Map<String, String> templates, TriggerRequest request) {
		Map<String, String> values = new LinkedHashMap<>();
		templates.forEach((name, template) -> values.put(name, render(template, request)));
		return values;
	}

	public static String render(String template, TriggerRequest request) {
		Matcher matcher = VARIABLE.matcher(template);
		StringBuilder out = new StringBuilder();
		while (matcher.find()) {
			matcher.appendReplacement(out, Matcher.quoteReplacement(value(matcher.group(1), request)));
		}
		matcher.appendTail(out);
		return out.toString();
	}

	private static String value(String variable, TriggerRequest request) {
		String value = switch (variable) {
			case "issue.key" -> request.issueKey();
			case "issue.id" -> request.issueId();
			case "issue.type" -> request.issueType();
			case "project.key" -> request.projectKey();
			case "transition.from" -> request.fromStatus();
			case "transition.to" -> request.toStatus();
			case "actor.accountId" -> request.actorAccountId();
			case "decision.id" -> request.decisionId().toString();
			default -> throw new IllegalArgumentException("Unknown template variable {{" + variable + "}}");
		};
		return (value != null) ? value : "";
	}

}

package dev.tollgate.pipeline.support;

import java.net.URI;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import dev.tollgate.outbound.OutboundHttp;
import dev.tollgate.outbound.OutboundHttp.Answer;
import dev.tollgate.outbound.OutboundHttp.Unreachable;
import dev.tollgate.outbound.OutboundPolicy;
import dev.tollgate.outbound.OutboundRefused;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

import static dev.tollgate.pipeline.support.PipelineHttp.bounded;
import static dev.tollgate.pipeline.support.PipelineHttp.withoutQuery;

/**
 * Calls to one CI system at a base URL of the target's, through the
 * {@link OutboundPolicy} with the pipeline time-outs and bounded read. Every HTTP status
 * comes back as an {@link Answer}; what it means is the provider's to say. A refusal by
 * the outbound policy becomes a permanent {@link TriggerFailure}, a call that got no
 * answer a transient one that says what the next attempt does about it.
 */
public final class CiHttp {

	private final String system;

	private final OutboundHttp http;

	/**
	 * @param system the CI system's name in failure reasons ({@code GitLab})
	 * @param defaults default headers of every call
	 */
	public CiHttp(String system, OutboundPolicy policy, PipelineProperties properties,
			Consumer<RestClient.Builder> defaults) {
		this.system = system;
		this.http = new OutboundHttp(policy, properties.connectTimeout(), properties.readTimeout(), defaults);
	}

	/**
	 * @param base the target's base URL
	 * @param path below the base URL, already encoded (never encoded twice)
	 * @param body {@code null} for none
	 * @param scrub takes the target's credentials out of a failure reason
	 * @param unanswered what happens after a call that got no answer, for the reason
	 */
	public Answer send(HttpMethod method, String base, String path, Consumer<HttpHeaders> headers, byte[] body,
			MediaType contentType, UnaryOperator<String> scrub, String unanswered) {
		try {
			return this.http.exchange(method, URI.create(base + path), headers, body, contentType);
		}
		catch (OutboundRefused ex) {
			throw TriggerFailure.permanent(ex.getMessage());
		}
		catch (Unreachable ex) {
			Throwable cause = ex.reason();
			String what = cause.getClass().getSimpleName()
					+ ((cause.getMessage() != null) ? ": " + scrub.apply(bounded(cause.getMessage())) : "");
			throw TriggerFailure.transientFailure(this.system + " did not answer " + method.name() + " "
					+ withoutQuery(path) + " (" + what + "); " + unanswered + ".", null);
		}
	}

	public void destroy() throws Exception {
		this.http.destroy();
	}

}

package dev.tollgate.admin;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.UnaryOperator;

import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.databind.json.JsonMapper;

import dev.tollgate.problem.ProblemType;
import dev.tollgate.problem.Problems;
import dev.tollgate.problem.Problems.FieldError;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A NUL character in a query parameter ({@code ?projectKey=%00}) is a 400 naming the
 * parameter. PostgreSQL cannot hold NUL in text, so without this check the filter value
 * would fail deep in a query as a 500. Request bodies get the same check while they are
 * read ({@link StrictRequestJson}).
 */
@Configuration(proxyBeanMethods = false)
class NulParameters {

	@Bean
	FilterRegistrationBean<OncePerRequestFilter> apiNulParameters(JsonMapper json) {
		return ApiRequestFilter.onApi(json, NulParameters::refusal, UnaryOperator.identity());
	}

	private static ProblemDetail refusal(HttpServletRequest request) {
		String offending = offending(request.getQueryString());
		return (offending != null) ? Problems.of(ProblemType.INVALID_REQUEST, "The request has invalid parameters.",
				List.of(new FieldError(offending, "must not contain a NUL character"))) : null;
	}

	/** The first parameter whose name or value holds a NUL, or {@code null}. */
	static String offending(String query) {
		if (query == null || query.isEmpty()) {
			return null;
		}
		for (String pair : query.split("&")) {
			int equals = pair.indexOf('=');
			String name = decode((equals < 0) ? pair : pair.substring(0, equals));
			String value = (equals < 0) ? "" : decode(pair.substring(equals + 1));
			if (name.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
				return name.replace("\0", "\\u0000");
			}
		}
		return null;
	}

	private static String decode(String part) {
		try {
			return URLDecoder.decode(part, StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			// Malformed escapes are left to the normal parameter handling.
			return part;
		}
	}

}

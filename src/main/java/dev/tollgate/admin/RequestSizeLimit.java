package dev.tollgate.admin;

import java.io.IOException;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import dev.tollgate.problem.ProblemType;
import dev.tollgate.problem.Problems;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Admin API bodies are capped (1 MB, a policy document with thousands of rules fits
 * easily): by {@code Content-Length} before anything is read, and while a chunked body
 * streams in.
 */
@Configuration(proxyBeanMethods = false)
class RequestSizeLimit {

	static final int MAX_BYTES = 1024 * 1024;

	@Bean
	FilterRegistrationBean<OncePerRequestFilter> apiBodyLimit(JsonMapper json) {
		return ApiRequestFilter.onApi(json, RequestSizeLimit::refusal, Bounded::new);
	}

	/** A body that says it is too large is refused before anything is read. */
	private static ProblemDetail refusal(HttpServletRequest request) {
		return (request.getContentLengthLong() > MAX_BYTES)
				? Problems.of(ProblemType.BODY_TOO_LARGE, "The body is larger than " + MAX_BYTES + " bytes.") : null;
	}

	/**
	 * Fails the read once more than the limit has streamed in (the JSON reader then
	 * answers 400).
	 */
	static final class Bounded extends HttpServletRequestWrapper {

		Bounded(HttpServletRequest request) {
			super(request);
		}

		@Override
		public ServletInputStream getInputStream() throws IOException {
			ServletInputStream in = super.getInputStream();
			return new ServletInputStream() {

				private long read;

				@Override
				public int read() throws IOException {
					int b = in.read();
					count((b < 0) ? 0 : 1);
					return b;
				}

				@Override
				public int read(byte[] buffer, int offset, int length) throws IOException {
					int n = in.read(buffer, offset, length);
					count(Math.max(n, 0));
					return n;
				}

				private void count(int n) throws IOException {
					this.read += n;
					if (this.read > MAX_BYTES) {
						throw new IOException("The request body is larger than " + MAX_BYTES + " bytes");
					}
				}

				@Override
				public boolean isFinished() {
					return in.isFinished();
				}

				@Override
				public boolean isReady() {
					return in.isReady();
				}

				@Override
				public void setReadListener(ReadListener listener) {
					in.setReadListener(listener);
				}
			};
		}

	}

}

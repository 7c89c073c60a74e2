package dev.tollgate.admin;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.MapperBuilder;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.HttpMessageConverters;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Admin request bodies are read strictly. A misspelt field ({@code "mod": "DRY_RUN"}) is
 * a 400 naming it, never silently dropped: an ignored {@code mode} once stored an
 * enforcing rule where a dry run was meant. A NUL character is refused in every string,
 * since PostgreSQL cannot store it and would otherwise fail the request late.
 *
 * <p>
 * Only the server-side converter is strict: the shared {@link JsonMapper} (job payloads,
 * upstream answers, Jira deliveries) stays lenient, since those documents gain fields
 * over time.
 */
@Configuration(proxyBeanMethods = false)
class StrictRequestJson implements WebMvcConfigurer {

	private final JsonMapper strict;

	StrictRequestJson(JsonMapper json) {
		this.strict = strict(json.rebuild()).build();
	}

	/** The same strictness for any mapper admin input goes through (JSON or YAML). */
	static <M extends tools.jackson.databind.ObjectMapper, B extends MapperBuilder<M, B>> B strict(B builder) {
		return builder.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
			.addModule(new SimpleModule("tollgate-strict-strings").addDeserializer(String.class, new NoNulString()));
	}

	@Override
	public void configureMessageConverters(HttpMessageConverters.ServerBuilder builder) {
		builder.withJsonConverter(new JacksonJsonHttpMessageConverter(this.strict));
	}

	/** Strings as Jackson reads them, minus the NUL character. */
	static final class NoNulString extends StringDeserializer {

		@Override
		public String deserialize(JsonParser parser, DeserializationContext context) {
			String value = super.deserialize(parser, context);
			if (value != null && value.indexOf('\0') >= 0) {
				throw InvalidFormatException.from(parser, "must not contain a NUL character", null, String.class);
			}
			return value;
		}

		@Override
		public boolean isCachable() {
			return true;
		}

	}

}

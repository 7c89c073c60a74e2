package dev.tollgate.console;

import java.time.Duration;

import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.resource.LiteWebJarsResourceResolver;

/**
 * The console's static files, under {@code /console} like everything else of it: its own
 * stylesheet and script, and htmx from its WebJar (the version is the pom's; pages name
 * no version).
 */
@Configuration(proxyBeanMethods = false)
class ConsoleWebConfiguration implements WebMvcConfigurer {

	@Override
	public void addResourceHandlers(ResourceHandlerRegistry registry) {
		registry.addResourceHandler("/console/assets/**")
			.addResourceLocations("classpath:/console/assets/")
			.setCacheControl(CacheControl.maxAge(Duration.ofHours(1)));
		registry.addResourceHandler("/console/webjars/**")
			.addResourceLocations("classpath:/META-INF/resources/webjars/")
			.setCacheControl(CacheControl.maxAge(Duration.ofHours(1)))
			.resourceChain(true)
			.addResolver(new LiteWebJarsResourceResolver());
	}

}

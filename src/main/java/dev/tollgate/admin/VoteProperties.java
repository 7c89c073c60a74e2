package dev.tollgate.admin;

import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Votes through the API ({@code tollgate.votes.*}).
 *
 * @param perTokenPerMinute votes one token may cast per minute on one replica (counted
 * whether or not they count); more are 429 with {@code Retry-After}
 */
@Validated
@ConfigurationProperties("tollgate.votes")
record VoteProperties(@DefaultValue("20") @Min(1) int perTokenPerMinute) {
}

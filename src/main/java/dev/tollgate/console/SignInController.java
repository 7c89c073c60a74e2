package dev.tollgate.console;

import java.util.Set;
import java.util.TreeSet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import dev.tollgate.admin.ApiTokens;
import dev.tollgate.admin.TokenPrincipal;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The sign-in page, and the token sign-in behind its form. A token signs in as what it is
 * in the API: its scopes, its Jira account id. The session id is replaced at sign-in, so
 * an id planted before it (session fixation) is worthless.
 */
@Controller
class SignInController {

	private final ApiTokens tokens;

	private final ConsoleSecurityConfiguration.SignInOptions options;

	private final SecurityContextRepository contexts = new HttpSessionSecurityContextRepository();

	SignInController(ApiTokens tokens, ConsoleSecurityConfiguration.SignInOptions options) {
		this.tokens = tokens;
		this.options = options;
	}

	@GetMapping(ConsoleSecurityConfiguration.SIGN_IN)
	String page(@RequestParam(required = false) String error, HttpServletRequest request, Model model) {
		model.addAttribute("options", this.options);
		model.addAttribute("signedOut", request.getParameter("signedOut") != null);
		model.addAttribute("error", switch ((error != null) ? error : "") {
			case "token" -> "That token is not valid, has expired, or has been deleted.";
			case "unmapped" ->
				"You signed in, but none of your groups grants a Tollgate scope. Ask an administrator to map one of them.";
			case "oidc" -> "Sign-in with your identity provider did not complete. Try again.";
			default -> null;
		});
		return "console/sign-in";
	}

	@PostMapping(ConsoleSecurityConfiguration.SIGN_IN)
	String signIn(@RequestParam(defaultValue = "") String token, HttpServletRequest request,
			HttpServletResponse response) {
		if (!this.options.token()) {
			return "redirect:" + ConsoleSecurityConfiguration.SIGN_IN;
		}
		var principal = this.tokens.authenticate(token);
		if (principal.isEmpty()) {
			return "redirect:" + ConsoleSecurityConfiguration.SIGN_IN + "?error=token";
		}
		TokenPrincipal found = principal.get();
		Set<String> scopes = new TreeSet<>();
		found.scopes().forEach((scope) -> scopes.add(scope.name().toLowerCase(java.util.Locale.ROOT)));
		ConsoleUser user = new ConsoleUser(found.name(), scopes, found.accountId(), found.id(), ConsoleUser.Via.TOKEN);
		HttpSession old = request.getSession(false);
		if (old != null) {
			old.invalidate();
		}
		request.getSession(true);
		SecurityContext context = SecurityContextHolder.createEmptyContext();
		context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(user, null, user.authorities()));
		SecurityContextHolder.setContext(context);
		this.contexts.saveContext(context, request, response);
		return "redirect:/console/approvals";
	}

}

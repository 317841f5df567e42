package dev.triage.api;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * Plugs static API tokens into Quarkus Security beside SmallRye JWT: the bearer mechanism
 * (SmallRye JWT's) hands every bearer token to the identity providers in priority order; this one
 * runs first and answers for a configured static token, and returns nothing for any other token,
 * which then goes to the JWT validator (signature, expiry, issuer). One mechanism, one challenge
 * ({@code WWW-Authenticate: Bearer}), two kinds of token.
 */
@ApplicationScoped
public class StaticTokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    private final StaticTokens tokens;

    public StaticTokenIdentityProvider(StaticTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    /** Before SmallRye JWT's validator (which has the default, SYSTEM_FIRST + 1). */
    @Override
    public int priority() {
        return SYSTEM_FIRST + 100;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        return tokens.match(request.getToken().getToken())
                .map(token -> Uni.createFrom().<SecurityIdentity>item(QuarkusSecurityIdentity.builder()
                        .setPrincipal(new QuarkusPrincipal(token.name()))
                        .addRoles(token.roles())
                        .addAttribute(Callers.ATTRIBUTE, "token:" + token.name())
                        .build()))
                .orElseGet(() -> Uni.createFrom().nullItem());
    }
}

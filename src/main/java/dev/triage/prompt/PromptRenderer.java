package dev.triage.prompt;

import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateExtension;
import io.quarkus.qute.TemplateInstance;

/** Renders a {@link PromptDocument} as markdown with the Qute template {@code templates/prompt/debugging.md}. */
@ApplicationScoped
public class PromptRenderer {

    @CheckedTemplate(basePath = "prompt")
    static class Templates {
        static native TemplateInstance debugging(PromptDocument doc);
    }

    public String markdown(PromptDocument document) {
        return Templates.debugging(document).render();
    }

    @TemplateExtension(namespace = "md")
    static class Markdown {
        /** Indents every line of {@code text}, for code blocks inside numbered lists. */
        static String indent(String text, int spaces) {
            String pad = " ".repeat(spaces);
            return text.lines().map(line -> line.isBlank() ? "" : pad + line).collect(Collectors.joining("\n"));
        }

        /** A list as one comma-separated line. */
        static String join(java.util.List<String> items) {
            return String.join(", ", items);
        }
    }
}

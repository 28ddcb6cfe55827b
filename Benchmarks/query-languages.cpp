// How often CLD2 can tell the language of a search query (Benchmarks/query-languages): the
// fixture examples of docs/query.md, Reuters topic words and short phrases in eight languages.
// It decides between stemming a query in its detected language and in every language newsd
// stems; newsd does the latter (see the README).
#include <cstdio>
#include <cld2/public/compact_lang_det.h>
#include <cld2/internal/lang_script.h>
#include <cstdio>
#include <cstring>
int main() {
    const char *queries[] = {"strikes", "\"pay offer\"", "copper OR brent", "dockers strike", "Москва", "impfung", "vendange",
        "incendio", "Fernwärme", "salario", "woningbouw", "pyongyang", "oil prices", "grève des cheminots", "huelga de médicos",
        "Streik der Lokführer", "sciopero dei treni", "greve dos professores", "staking bij de spoorwegen", "забастовка врачей",
        "central bank raises interest rates", "la banque centrale relève ses taux", "die Zentralbank erhöht die Zinsen",
        "el banco central sube los tipos", "grain", "crude", "coffee", "gold", "interest rates", "money supply"};
    int n = sizeof queries / sizeof *queries, reliable = 0;
    for (int i = 0; i < n; i++) {
        bool ok = false;
        CLD2::Language l = CLD2::DetectLanguage(queries[i], (int)strlen(queries[i]), true, &ok);
        printf("%-40s %s %s\n", queries[i], CLD2::LanguageCode(l), ok ? "reliable" : "unreliable");
        reliable += ok && l != CLD2::UNKNOWN_LANGUAGE;
    }
    printf("%d of %d queries reliably detected\n", reliable, n);
}

// The terms of use and the open-data licence (OPN-1), in the user's
// language. The duties follow the Heilongjiang measures: the open catalog
// (HLJ-32), the open types (HLJ-33), applications and direct use (HLJ-34),
// withdrawals announced here (HLJ-35), use and its guidance (HLJ-36) and
// the suspension of access after misuse (HLJ-43).
import { useI18n, type MessageKey } from '../../i18n';

const sections = [1, 2, 3, 4, 5, 6, 7, 8] as const;

export default function TermsPage() {
  const { t } = useI18n();
  return (
    <div className="portal-wrap portal-page">
      <article className="portal-card portal-terms" aria-labelledby="terms-title">
        <h1 id="terms-title">{t('portal.page.terms')}</h1>
        <p className="portal-muted">{t('portal.terms.version')}</p>
        <p>{t('portal.terms.lead')}</p>
        {sections.map((n) => (
          <section key={n} aria-labelledby={`terms-${n}`}>
            <h2 id={`terms-${n}`}>{t(`portal.terms.s${n}.title` as MessageKey)}</h2>
            {t(`portal.terms.s${n}.body` as MessageKey)
              .split('\n')
              .map((p, i) => (
                <p key={i}>{p}</p>
              ))}
          </section>
        ))}
      </article>
    </div>
  );
}

// What the sharing pages share: the API's types of applications, their
// terms and scenarios; the words for states, methods, decisions, refusal
// categories and the parties of a step; how an open step's due date stands
// (as the API counts it: UI.md, never in the browser).
import { Space, Tag, Tooltip, Typography } from 'antd';
import { WarningOutlined } from '@ant-design/icons';
import { api, call, type paths } from '../../api/client';
import { useI18n, type MessageKey } from '../../i18n';

export type Application = paths['/api/v1/applications/{id}']['get']['responses'][200]['content']['application/json'];
export type ApplicationInput = paths['/api/v1/applications']['post']['requestBody']['content']['application/json'];
export type Terms = paths['/api/v1/applications/terms']['get']['responses'][200]['content']['application/json'];
export type Workflow = NonNullable<Terms['workflow']>;
export type Step = NonNullable<Workflow['steps']>[number];
export type Scenario = paths['/api/v1/scenarios/{id}']['get']['responses'][200]['content']['application/json'];
export type Text = { zh?: string; en?: string } | null | undefined;

export const applicationStates = ['open', 'approved', 'rejected', 'withdrawn'] as const;
export const methods = ['api', 'file', 'subscription'] as const;
export const refusalCategories = ['law', 'policy', 'sensitive', 'other'] as const;

type Profile = {
  name?: string;
  title?: Text;
  scenario_direct_grant?: { value?: boolean; cite?: string };
  workflows?: Workflow[];
};

// The deployment's profile, read once per page load: it does not change
// while the platform runs.
let profile: Promise<Profile> | undefined;
export function loadProfile(): Promise<Profile> {
  profile ??= call(api.GET('/api/v1/profile')).then(
    (p) => p as Profile,
    (e: unknown) => {
      profile = undefined;
      throw e;
    },
  );
  return profile;
}

/** pick shows a {zh, en} text in the user's language. */
export function pick(text: Text, lang: string): string {
  if (!text) return '';
  return (lang === 'en' ? text.en : text.zh) || text.zh || text.en || '';
}

/** stepsOf is a workflow's chain, its return step (if any) last. */
export function findStep(flow: Workflow | undefined, name: string | undefined): Step | undefined {
  if (!flow || !name) return undefined;
  return flow.steps?.find((s) => s.name === name) ?? (flow.return?.name === name ? (flow.return ?? undefined) : undefined);
}

/** ActorText: who acts at a step — "数据提供部门 · 分管领导". */
export function actorText(step: Step | undefined, t: (k: MessageKey) => string): string {
  if (!step?.actor) return '';
  return `${t(`sharing.party.${step.actor.party}` as MessageKey)} · ${t(`role.${step.actor.role}` as MessageKey)}`;
}

// Tag colours dark enough on their tints for WCAG AA (4.5:1): Ant Design's
// preset success and warning text reach about 2:1 only.
export const tagStyles = {
  success: { color: '#135200', background: '#f6ffed', borderColor: '#b7eb8f' },
  processing: { color: '#1d4ed8', background: '#eff6ff', borderColor: '#bfdbfe' },
  error: { color: '#820014', background: '#fff1f0', borderColor: '#ffa39e' },
  warning: { color: '#873800', background: '#fff7e6', borderColor: '#ffd591' },
  default: undefined,
};
const stateStyles: Record<string, keyof typeof tagStyles> = { open: 'processing', approved: 'success', rejected: 'error', withdrawn: 'default' };

export function StateTag({ state }: { state?: string }) {
  const { t } = useI18n();
  if (!state) return null;
  return <Tag style={tagStyles[stateStyles[state] ?? 'default']}>{t(`sharing.state.${state}` as MessageKey)}</Tag>;
}

/**
 * Standing is an open application's due date and how it stands in working
 * days, as the API counted it: "还剩 N 个工作日" / "已逾期 N 个工作日".
 */
export function Standing({ app, withDate = true }: { app: Pick<Application, 'due' | 'working_days_left' | 'working_days_late' | 'workflow'>; withDate?: boolean }) {
  const { t } = useI18n();
  if (!app.due) return <Typography.Text type="secondary">{t('tasks.noDue')}</Typography.Text>;
  let tag;
  if (app.working_days_late != null) {
    tag = <Tag style={tagStyles.error}>{t('tasks.late', { n: app.working_days_late })}</Tag>;
  } else if ((app.working_days_left ?? 0) === 0) {
    tag = <Tag style={tagStyles.warning}>{t('tasks.dueToday')}</Tag>;
  } else {
    tag = <Tag style={(app.working_days_left ?? 0) <= 1 ? tagStyles.warning : undefined}>{t('tasks.left', { n: app.working_days_left ?? 0 })}</Tag>;
  }
  return (
    <Space size={4} wrap>
      {withDate && <span className="govdata-mono">{app.due}</span>}
      {tag}
      {app.workflow && app.workflow.calendar_known === false && (
        <Tooltip title={t('tasks.calendarUnknown')}>
          <WarningOutlined aria-label={t('tasks.calendarUnknown')} style={{ color: '#d97706' }} />
        </Tooltip>
      )}
    </Space>
  );
}

/** The words of an action at a step, as a button says it. */
export function actionLabel(action: string | undefined, t: (k: MessageKey) => string): string {
  return action ? t(`sharing.action.${action}` as MessageKey) : '';
}

/**
 * atLeastOne is a checkbox group's "required" rule as a validator: a
 * required rule would put aria-required on the group's element, which its
 * role does not take (axe: aria-allowed-attr).
 */
export function atLeastOne(message: string) {
  return { validator: (_: unknown, v: unknown[] | undefined) => (v?.length ? Promise.resolve() : Promise.reject(new Error(message))) };
}

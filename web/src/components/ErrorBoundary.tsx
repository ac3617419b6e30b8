// No blank screen: a page that throws while drawing shows what happened and
// a way on, instead of an empty window.
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Button, Result } from 'antd';
import { useI18n } from '../i18n';

function Fallback({ error, onRetry }: { error: Error; onRetry: () => void }) {
  const { t } = useI18n();
  return (
    <Result
      status="error"
      title={t('error.page')}
      subTitle={error.message}
      extra={[
        <Button key="retry" type="primary" onClick={onRetry}>
          {t('action.retry')}
        </Button>,
        <Button key="reload" onClick={() => window.location.reload()}>
          {t('action.reload')}
        </Button>,
      ]}
    />
  );
}

export class ErrorBoundary extends Component<{ children: ReactNode; resetKey?: string }, { error: Error | null }> {
  state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('govdata console:', error, info.componentStack);
  }

  componentDidUpdate(prev: { resetKey?: string }) {
    // Moving to another page leaves the broken one behind.
    if (this.state.error && prev.resetKey !== this.props.resetKey) this.setState({ error: null });
  }

  render() {
    if (this.state.error) return <Fallback error={this.state.error} onRetry={() => this.setState({ error: null })} />;
    return this.props.children;
  }
}

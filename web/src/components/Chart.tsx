// Charts with Apache ECharts, loaded only when a page draws one: the module
// is imported on first use, so it is in no page's first load (and never in
// the sign-in page's).
import { useEffect, useRef } from 'react';
import type { EChartsOption } from 'echarts';

export function Chart({ option, height = 320, label }: { option: EChartsOption; height?: number; label: string }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let disposed = false;
    let dispose = () => {};
    void import('echarts').then((echarts) => {
      if (disposed || !el.current) return;
      const chart = echarts.init(el.current, undefined, { renderer: 'svg' });
      chart.setOption(option);
      const onResize = () => chart.resize();
      window.addEventListener('resize', onResize);
      dispose = () => {
        window.removeEventListener('resize', onResize);
        chart.dispose();
      };
    });
    return () => {
      disposed = true;
      dispose();
    };
  }, [option]);
  return <div ref={el} role="img" aria-label={label} style={{ height }} />;
}

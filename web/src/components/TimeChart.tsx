import { Paper, Group, Text, useComputedColorScheme } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api } from '../api/endpoints';
import type { Point } from '../api/types';
import { rangeQuery, useTimeState } from '../lib/timeState';
import { Empty, ErrorAlert, Loading } from './States';

export interface TimeChartProps {
  points: Point[];
  format: (v: number) => string;
  color?: string;
  height?: number;
  label: string;
  fromSec?: number;
  toSec?: number;
}

/** A uPlot line chart (canvas): 10,000 points render in a few ms; the tooltip is the legend. */
export function TimeChart({ points, format, color = '#228be6', height = 180, label, fromSec, toSec }: TimeChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const scheme = useComputedColorScheme('light');
  const data = useMemo<uPlot.AlignedData>(
    () => [points.map((p) => Date.parse(p.t) / 1000), points.map((p) => p.avg), points.map((p) => p.max)],
    [points],
  );

  useEffect(() => {
    const node = el.current;
    if (!node) return;
    const dark = scheme === 'dark';
    const axis = dark ? '#a6a7ab' : '#495057';
    const gridc = dark ? 'rgba(255,255,255,0.07)' : 'rgba(0,0,0,0.07)';
    const few = points.length < 40;
    const opts: uPlot.Options = {
      width: Math.max(200, node.clientWidth),
      height,
      padding: [8, 8, 0, 0],
      cursor: { drag: { x: true, y: false } },
      legend: { show: true, live: true },
      scales: {
        x: { time: true, ...(fromSec && toSec ? { range: [fromSec, toSec] as uPlot.Range.MinMax } : {}) },
        y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] },
      },
      axes: [
        { stroke: axis, grid: { stroke: gridc, width: 1 }, ticks: { stroke: gridc }, font: '11px system-ui' },
        {
          stroke: axis,
          grid: { stroke: gridc, width: 1 },
          ticks: { stroke: gridc },
          font: '11px system-ui',
          size: 70,
          values: (_u, vals) => vals.map((v) => (v == null ? '' : format(v))),
        },
      ],
      series: [
        {},
        {
          label,
          stroke: color,
          width: 2,
          fill: color + '22',
          points: { show: few, size: 5 },
          value: (_u, v) => (v == null ? '—' : format(v)),
        },
        {
          label: 'max',
          stroke: color + '66',
          width: 1,
          dash: [4, 4],
          points: { show: false },
          value: (_u, v) => (v == null ? '—' : format(v)),
        },
      ],
    };
    const plot = new uPlot(opts, data, node);
    const ro = new ResizeObserver(() => plot.setSize({ width: Math.max(200, node.clientWidth), height }));
    ro.observe(node);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [data, scheme, height, color, format, label, points.length, fromSec, toSec]);

  return <div ref={el} className="chart" data-points={points.length} />;
}

export interface MetricChartProps {
  title: string;
  entity: string;
  metric: string;
  format: (v: number) => string;
  color?: string;
  height?: number;
}

/** A chart of one stored metric over the page's time range; refreshes with the page. */
export function MetricChart({ title, entity, metric, format, color, height = 180 }: MetricChartProps) {
  const { range, interval } = useTimeState();
  const rq = rangeQuery(range);
  const q = useQuery({
    queryKey: ['series', entity, metric, rq.from, rq.step],
    queryFn: ({ signal }) => api.series(entity, metric, rq.from, rq.step, signal),
    refetchInterval: interval,
    placeholderData: (prev) => (prev && prev.entity === entity && prev.metric === metric ? prev : undefined),
  });
  const points = q.data?.points ?? [];
  const last = points.length ? points[points.length - 1].avg : undefined;
  const from = q.data ? Date.parse(q.data.from) / 1000 : undefined;
  const to = q.data ? Date.parse(q.data.to) / 1000 : undefined;
  return (
    <Paper withBorder p="sm" radius="md" className="chart-card" data-testid={`chart-${metric}`} data-entity={entity}>
      <Group justify="space-between" mb={4} wrap="nowrap">
        <Text fw={600} size="sm">
          {title}
        </Text>
        {last !== undefined && (
          <Text size="sm" c="dimmed" className="num">
            now {format(last)}
          </Text>
        )}
      </Group>
      {q.isPending ? (
        <Loading h={height} />
      ) : q.isError ? (
        <ErrorAlert error={q.error} />
      ) : points.length === 0 ? (
        <Empty h={height}>No history in this range yet: points appear after a few collection cycles.</Empty>
      ) : (
        <TimeChart points={points} format={format} color={color} height={height} label={title} fromSec={from} toSec={to} />
      )}
    </Paper>
  );
}

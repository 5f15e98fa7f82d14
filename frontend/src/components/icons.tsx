// A handful of inline icons (Tabler-style strokes) instead of an icon package.
import type { SVGProps } from 'react';

function Svg(props: Omit<SVGProps<SVGSVGElement>, 'd'> & { paths: string[] }) {
  const { paths, ...rest } = props;
  return (
    <svg width={16} height={16} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" {...rest}>
      {paths.map((p) => (
        <path key={p} d={p} />
      ))}
    </svg>
  );
}
type P = SVGProps<SVGSVGElement>;
export const IconCopy = (p: P) => <Svg {...p} paths={['M8 8h12v12H8z', 'M16 8V4H4v12h4']} />;
export const IconCheck = (p: P) => <Svg {...p} paths={['M5 12l5 5L20 7']} />;
export const IconRefresh = (p: P) => <Svg {...p} paths={['M20 11A8 8 0 1 0 18 16', 'M20 4v7h-7']} />;
export const IconDownload = (p: P) => <Svg {...p} paths={['M4 17v3h16v-3', 'M7 11l5 5 5-5', 'M12 4v12']} />;
export const IconSun = (p: P) => <Svg {...p} paths={['M12 8a4 4 0 1 0 0 8a4 4 0 1 0 0-8', 'M3 12h1M20 12h1M12 3v1M12 20v1M5.6 5.6l.7.7M17.7 17.7l.7.7M5.6 18.4l.7-.7M17.7 6.3l.7-.7']} />;
export const IconMoon = (p: P) => <Svg {...p} paths={['M12 3a6 6 0 0 0 9 9a9 9 0 1 1-9-9']} />;
export const IconDots = (p: P) => <Svg {...p} paths={['M5 12h.01M12 12h.01M19 12h.01']} />;
export const IconTrash = (p: P) => <Svg {...p} paths={['M4 7h16', 'M10 11v6M14 11v6', 'M5 7l1 13h12l1-13', 'M9 7V4h6v3']} />;
export const IconArrowUp = (p: P) => <Svg {...p} paths={['M12 19V5', 'M5 12l7-7 7 7']} />;
export const IconSearch = (p: P) => <Svg {...p} paths={['M10 4a6 6 0 1 0 0 12a6 6 0 1 0 0-12', 'M21 21l-6.5-6.5']} />;
